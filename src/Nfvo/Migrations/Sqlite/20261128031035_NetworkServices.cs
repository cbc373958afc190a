using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mano.Nfvo.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class NetworkServices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Location",
                table: "vims",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ns_descriptors",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NsdOnboardingState = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    NsdOperationalState = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    NsdUsageState = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    NsdId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    NsdName = table.Column<string>(type: "TEXT", nullable: true),
                    NsdVersion = table.Column<string>(type: "TEXT", nullable: true),
                    NsdDesigner = table.Column<string>(type: "TEXT", nullable: true),
                    NsdInvariantId = table.Column<string>(type: "TEXT", nullable: true),
                    VnfPkgIds = table.Column<string>(type: "TEXT", nullable: true),
                    PnfdInfoIds = table.Column<string>(type: "TEXT", nullable: true),
                    NestedNsdInfoIds = table.Column<string>(type: "TEXT", nullable: true),
                    VnfdIds = table.Column<string>(type: "TEXT", nullable: true),
                    ArchiveSecurityOption = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    SigningCertificate = table.Column<string>(type: "TEXT", nullable: true),
                    Artifacts = table.Column<string>(type: "TEXT", nullable: true),
                    UserDefinedData = table.Column<string>(type: "TEXT", nullable: true),
                    OnboardingFailureDetails = table.Column<string>(type: "TEXT", nullable: true),
                    Diagnostics = table.Column<string>(type: "TEXT", nullable: true),
                    EntryDefinitions = table.Column<string>(type: "TEXT", nullable: true),
                    ManifestPath = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ns_descriptors", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ns_instances",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NsInstanceName = table.Column<string>(type: "TEXT", nullable: false),
                    NsInstanceDescription = table.Column<string>(type: "TEXT", nullable: false),
                    NsdId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    NsdInfoId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NsState = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    FlavourId = table.Column<string>(type: "TEXT", nullable: true),
                    NsInstantiationLevelId = table.Column<string>(type: "TEXT", nullable: true),
                    VirtualLinks = table.Column<string>(type: "TEXT", nullable: true),
                    SapInfo = table.Column<string>(type: "TEXT", nullable: true),
                    NsScaleStatus = table.Column<string>(type: "TEXT", nullable: true),
                    CurrentOpOccId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ns_instances", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ns_lcm_op_occs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NsInstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LcmOperationType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    OperationState = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    StateEnteredTime = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartTime = table.Column<DateTime>(type: "TEXT", nullable: false),
                    IsAutomaticInvocation = table.Column<bool>(type: "INTEGER", nullable: false),
                    IsCancelPending = table.Column<bool>(type: "INTEGER", nullable: false),
                    CancelMode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    OperationParams = table.Column<string>(type: "TEXT", nullable: true),
                    Plan = table.Column<string>(type: "TEXT", nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    LockedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ns_lcm_op_occs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ns_vnf_instances",
                columns: table => new
                {
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    VnfInstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NsInstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    VnfProfileId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    VnfdId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    VimId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ZoneId = table.Column<string>(type: "TEXT", nullable: true),
                    VnfInstance = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ns_vnf_instances", x => new { x.TenantId, x.VnfInstanceId });
                });

            migrationBuilder.CreateTable(
                name: "nsdm_subscriptions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CallbackUri = table.Column<string>(type: "TEXT", nullable: false),
                    Filter = table.Column<string>(type: "TEXT", nullable: true),
                    Authentication = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_nsdm_subscriptions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "nslcm_subscriptions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CallbackUri = table.Column<string>(type: "TEXT", nullable: false),
                    Filter = table.Column<string>(type: "TEXT", nullable: true),
                    Authentication = table.Column<string>(type: "TEXT", nullable: true),
                    Verbosity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_nslcm_subscriptions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "pnf_descriptors",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PnfdOnboardingState = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    PnfdUsageState = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    PnfdId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    PnfdName = table.Column<string>(type: "TEXT", nullable: true),
                    PnfdVersion = table.Column<string>(type: "TEXT", nullable: true),
                    PnfdProvider = table.Column<string>(type: "TEXT", nullable: true),
                    PnfdInvariantId = table.Column<string>(type: "TEXT", nullable: true),
                    UserDefinedData = table.Column<string>(type: "TEXT", nullable: true),
                    OnboardingFailureDetails = table.Column<string>(type: "TEXT", nullable: true),
                    Diagnostics = table.Column<string>(type: "TEXT", nullable: true),
                    EntryDefinitions = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pnf_descriptors", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "vnf_placement_pins",
                columns: table => new
                {
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    VnfInstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NsInstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    VimId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ZoneId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    PinnedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_placement_pins", x => new { x.TenantId, x.VnfInstanceId });
                });

            migrationBuilder.CreateTable(
                name: "ns_descriptor_contents",
                columns: table => new
                {
                    NsdInfoId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    UploadedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ns_descriptor_contents", x => x.NsdInfoId);
                    table.ForeignKey(
                        name: "FK_ns_descriptor_contents_ns_descriptors_NsdInfoId",
                        column: x => x.NsdInfoId,
                        principalTable: "ns_descriptors",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ns_descriptor_files",
                columns: table => new
                {
                    NsdInfoId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Path = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ns_descriptor_files", x => new { x.NsdInfoId, x.Path });
                    table.ForeignKey(
                        name: "FK_ns_descriptor_files_ns_descriptors_NsdInfoId",
                        column: x => x.NsdInfoId,
                        principalTable: "ns_descriptors",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "pnf_descriptor_contents",
                columns: table => new
                {
                    PnfdInfoId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    UploadedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pnf_descriptor_contents", x => x.PnfdInfoId);
                    table.ForeignKey(
                        name: "FK_pnf_descriptor_contents_pnf_descriptors_PnfdInfoId",
                        column: x => x.PnfdInfoId,
                        principalTable: "pnf_descriptors",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ns_descriptors_TenantId_CreatedAt",
                table: "ns_descriptors",
                columns: new[] { "TenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ns_descriptors_TenantId_NsdId",
                table: "ns_descriptors",
                columns: new[] { "TenantId", "NsdId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ns_instances_TenantId_CreatedAt",
                table: "ns_instances",
                columns: new[] { "TenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ns_instances_TenantId_NsdInfoId",
                table: "ns_instances",
                columns: new[] { "TenantId", "NsdInfoId" });

            migrationBuilder.CreateIndex(
                name: "IX_ns_lcm_op_occs_OperationState",
                table: "ns_lcm_op_occs",
                column: "OperationState");

            migrationBuilder.CreateIndex(
                name: "IX_ns_lcm_op_occs_TenantId_NsInstanceId",
                table: "ns_lcm_op_occs",
                columns: new[] { "TenantId", "NsInstanceId" });

            migrationBuilder.CreateIndex(
                name: "IX_ns_vnf_instances_TenantId_NsInstanceId",
                table: "ns_vnf_instances",
                columns: new[] { "TenantId", "NsInstanceId" });

            migrationBuilder.CreateIndex(
                name: "IX_nsdm_subscriptions_TenantId_CreatedAt",
                table: "nsdm_subscriptions",
                columns: new[] { "TenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_nslcm_subscriptions_TenantId_CreatedAt",
                table: "nslcm_subscriptions",
                columns: new[] { "TenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_pnf_descriptors_TenantId_CreatedAt",
                table: "pnf_descriptors",
                columns: new[] { "TenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_pnf_descriptors_TenantId_PnfdId",
                table: "pnf_descriptors",
                columns: new[] { "TenantId", "PnfdId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_vnf_placement_pins_TenantId_NsInstanceId",
                table: "vnf_placement_pins",
                columns: new[] { "TenantId", "NsInstanceId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ns_descriptor_contents");

            migrationBuilder.DropTable(
                name: "ns_descriptor_files");

            migrationBuilder.DropTable(
                name: "ns_instances");

            migrationBuilder.DropTable(
                name: "ns_lcm_op_occs");

            migrationBuilder.DropTable(
                name: "ns_vnf_instances");

            migrationBuilder.DropTable(
                name: "nsdm_subscriptions");

            migrationBuilder.DropTable(
                name: "nslcm_subscriptions");

            migrationBuilder.DropTable(
                name: "pnf_descriptor_contents");

            migrationBuilder.DropTable(
                name: "vnf_placement_pins");

            migrationBuilder.DropTable(
                name: "ns_descriptors");

            migrationBuilder.DropTable(
                name: "pnf_descriptors");

            migrationBuilder.DropColumn(
                name: "Location",
                table: "vims");
        }
    }
}
