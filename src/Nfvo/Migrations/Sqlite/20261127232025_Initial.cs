using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mano.Nfvo.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "grants",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    VnfInstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    VnfLcmOpOccId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Operation = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    VimId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Request = table.Column<string>(type: "TEXT", nullable: false),
                    Grant = table.Column<string>(type: "TEXT", nullable: false),
                    DecidedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_grants", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MessageType = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DispatchedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LockedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_messages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "vims",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    VimType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    InterfaceInfo = table.Column<string>(type: "TEXT", nullable: false),
                    AccessInfo = table.Column<string>(type: "TEXT", nullable: true),
                    AvailabilityZones = table.Column<string>(type: "TEXT", nullable: false),
                    IsDefault = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vims", x => new { x.TenantId, x.Id });
                });

            migrationBuilder.CreateTable(
                name: "vnf_packages",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OnboardingState = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    OperationalState = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    UsageState = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    VnfdId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    VnfProvider = table.Column<string>(type: "TEXT", nullable: true),
                    VnfProductName = table.Column<string>(type: "TEXT", nullable: true),
                    VnfSoftwareVersion = table.Column<string>(type: "TEXT", nullable: true),
                    VnfdVersion = table.Column<string>(type: "TEXT", nullable: true),
                    VnfmInfo = table.Column<string>(type: "TEXT", nullable: true),
                    ChecksumAlgorithm = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    ChecksumHash = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    UserDefinedData = table.Column<string>(type: "TEXT", nullable: true),
                    OnboardingFailureDetails = table.Column<string>(type: "TEXT", nullable: true),
                    Diagnostics = table.Column<string>(type: "TEXT", nullable: true),
                    EntryDefinitions = table.Column<string>(type: "TEXT", nullable: true),
                    ContentSize = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_packages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "vnf_package_contents",
                columns: table => new
                {
                    VnfPkgId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    UploadedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_package_contents", x => x.VnfPkgId);
                    table.ForeignKey(
                        name: "FK_vnf_package_contents_vnf_packages_VnfPkgId",
                        column: x => x.VnfPkgId,
                        principalTable: "vnf_packages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "vnf_package_vnfd_files",
                columns: table => new
                {
                    VnfPkgId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Path = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_package_vnfd_files", x => new { x.VnfPkgId, x.Path });
                    table.ForeignKey(
                        name: "FK_vnf_package_vnfd_files_vnf_packages_VnfPkgId",
                        column: x => x.VnfPkgId,
                        principalTable: "vnf_packages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_grants_TenantId_VimId",
                table: "grants",
                columns: new[] { "TenantId", "VimId" });

            migrationBuilder.CreateIndex(
                name: "IX_grants_TenantId_VnfLcmOpOccId",
                table: "grants",
                columns: new[] { "TenantId", "VnfLcmOpOccId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_DispatchedAt",
                table: "outbox_messages",
                column: "DispatchedAt");

            migrationBuilder.CreateIndex(
                name: "IX_vnf_packages_TenantId_CreatedAt",
                table: "vnf_packages",
                columns: new[] { "TenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_vnf_packages_TenantId_VnfdId",
                table: "vnf_packages",
                columns: new[] { "TenantId", "VnfdId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "grants");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "vims");

            migrationBuilder.DropTable(
                name: "vnf_package_contents");

            migrationBuilder.DropTable(
                name: "vnf_package_vnfd_files");

            migrationBuilder.DropTable(
                name: "vnf_packages");
        }
    }
}
