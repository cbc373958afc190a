using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Mano.Nfvo.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "nfvo");

            migrationBuilder.CreateTable(
                name: "grants",
                schema: "nfvo",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    VnfInstanceId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    VnfLcmOpOccId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Operation = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    VimId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Request = table.Column<string>(type: "text", nullable: false),
                    Grant = table.Column<string>(type: "text", nullable: false),
                    DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_grants", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                schema: "nfvo",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    MessageType = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Payload = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DispatchedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LockedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    LastError = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_messages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "vims",
                schema: "nfvo",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    VimType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    InterfaceInfo = table.Column<string>(type: "text", nullable: false),
                    AccessInfo = table.Column<string>(type: "text", nullable: true),
                    AvailabilityZones = table.Column<string>(type: "text", nullable: false),
                    IsDefault = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vims", x => new { x.TenantId, x.Id });
                });

            migrationBuilder.CreateTable(
                name: "vnf_packages",
                schema: "nfvo",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    OnboardingState = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    OperationalState = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    UsageState = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    VnfdId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    VnfProvider = table.Column<string>(type: "text", nullable: true),
                    VnfProductName = table.Column<string>(type: "text", nullable: true),
                    VnfSoftwareVersion = table.Column<string>(type: "text", nullable: true),
                    VnfdVersion = table.Column<string>(type: "text", nullable: true),
                    VnfmInfo = table.Column<string>(type: "text", nullable: true),
                    ChecksumAlgorithm = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    ChecksumHash = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    UserDefinedData = table.Column<string>(type: "text", nullable: true),
                    OnboardingFailureDetails = table.Column<string>(type: "text", nullable: true),
                    Diagnostics = table.Column<string>(type: "text", nullable: true),
                    EntryDefinitions = table.Column<string>(type: "text", nullable: true),
                    ContentSize = table.Column<long>(type: "bigint", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_packages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "vnf_package_contents",
                schema: "nfvo",
                columns: table => new
                {
                    VnfPkgId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    UploadedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_package_contents", x => x.VnfPkgId);
                    table.ForeignKey(
                        name: "FK_vnf_package_contents_vnf_packages_VnfPkgId",
                        column: x => x.VnfPkgId,
                        principalSchema: "nfvo",
                        principalTable: "vnf_packages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "vnf_package_vnfd_files",
                schema: "nfvo",
                columns: table => new
                {
                    VnfPkgId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Path = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_package_vnfd_files", x => new { x.VnfPkgId, x.Path });
                    table.ForeignKey(
                        name: "FK_vnf_package_vnfd_files_vnf_packages_VnfPkgId",
                        column: x => x.VnfPkgId,
                        principalSchema: "nfvo",
                        principalTable: "vnf_packages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_grants_TenantId_VimId",
                schema: "nfvo",
                table: "grants",
                columns: new[] { "TenantId", "VimId" });

            migrationBuilder.CreateIndex(
                name: "IX_grants_TenantId_VnfLcmOpOccId",
                schema: "nfvo",
                table: "grants",
                columns: new[] { "TenantId", "VnfLcmOpOccId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_DispatchedAt",
                schema: "nfvo",
                table: "outbox_messages",
                column: "DispatchedAt");

            migrationBuilder.CreateIndex(
                name: "IX_vnf_packages_TenantId_CreatedAt",
                schema: "nfvo",
                table: "vnf_packages",
                columns: new[] { "TenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_vnf_packages_TenantId_VnfdId",
                schema: "nfvo",
                table: "vnf_packages",
                columns: new[] { "TenantId", "VnfdId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "grants",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "outbox_messages",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "vims",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "vnf_package_contents",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "vnf_package_vnfd_files",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "vnf_packages",
                schema: "nfvo");
        }
    }
}
