using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mano.Nfvo.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class NetworkServices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Location",
                schema: "nfvo",
                table: "vims",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ns_descriptors",
                schema: "nfvo",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NsdOnboardingState = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    NsdOperationalState = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    NsdUsageState = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    NsdId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    NsdName = table.Column<string>(type: "text", nullable: true),
                    NsdVersion = table.Column<string>(type: "text", nullable: true),
                    NsdDesigner = table.Column<string>(type: "text", nullable: true),
                    NsdInvariantId = table.Column<string>(type: "text", nullable: true),
                    VnfPkgIds = table.Column<string>(type: "text", nullable: true),
                    PnfdInfoIds = table.Column<string>(type: "text", nullable: true),
                    NestedNsdInfoIds = table.Column<string>(type: "text", nullable: true),
                    VnfdIds = table.Column<string>(type: "text", nullable: true),
                    ArchiveSecurityOption = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    SigningCertificate = table.Column<string>(type: "text", nullable: true),
                    Artifacts = table.Column<string>(type: "text", nullable: true),
                    UserDefinedData = table.Column<string>(type: "text", nullable: true),
                    OnboardingFailureDetails = table.Column<string>(type: "text", nullable: true),
                    Diagnostics = table.Column<string>(type: "text", nullable: true),
                    EntryDefinitions = table.Column<string>(type: "text", nullable: true),
                    ManifestPath = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ns_descriptors", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ns_instances",
                schema: "nfvo",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NsInstanceName = table.Column<string>(type: "text", nullable: false),
                    NsInstanceDescription = table.Column<string>(type: "text", nullable: false),
                    NsdId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    NsdInfoId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NsState = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    FlavourId = table.Column<string>(type: "text", nullable: true),
                    NsInstantiationLevelId = table.Column<string>(type: "text", nullable: true),
                    VirtualLinks = table.Column<string>(type: "text", nullable: true),
                    SapInfo = table.Column<string>(type: "text", nullable: true),
                    NsScaleStatus = table.Column<string>(type: "text", nullable: true),
                    CurrentOpOccId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ns_instances", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ns_lcm_op_occs",
                schema: "nfvo",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NsInstanceId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LcmOperationType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    OperationState = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    StateEnteredTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StartTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    IsAutomaticInvocation = table.Column<bool>(type: "boolean", nullable: false),
                    IsCancelPending = table.Column<bool>(type: "boolean", nullable: false),
                    CancelMode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    OperationParams = table.Column<string>(type: "text", nullable: true),
                    Plan = table.Column<string>(type: "text", nullable: false),
                    Error = table.Column<string>(type: "text", nullable: true),
                    LockedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ns_lcm_op_occs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ns_vnf_instances",
                schema: "nfvo",
                columns: table => new
                {
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    VnfInstanceId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NsInstanceId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    VnfProfileId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    VnfdId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    VimId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ZoneId = table.Column<string>(type: "text", nullable: true),
                    VnfInstance = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ns_vnf_instances", x => new { x.TenantId, x.VnfInstanceId });
                });

            migrationBuilder.CreateTable(
                name: "nsdm_subscriptions",
                schema: "nfvo",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CallbackUri = table.Column<string>(type: "text", nullable: false),
                    Filter = table.Column<string>(type: "text", nullable: true),
                    Authentication = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_nsdm_subscriptions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "nslcm_subscriptions",
                schema: "nfvo",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CallbackUri = table.Column<string>(type: "text", nullable: false),
                    Filter = table.Column<string>(type: "text", nullable: true),
                    Authentication = table.Column<string>(type: "text", nullable: true),
                    Verbosity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_nslcm_subscriptions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "pnf_descriptors",
                schema: "nfvo",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PnfdOnboardingState = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    PnfdUsageState = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    PnfdId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    PnfdName = table.Column<string>(type: "text", nullable: true),
                    PnfdVersion = table.Column<string>(type: "text", nullable: true),
                    PnfdProvider = table.Column<string>(type: "text", nullable: true),
                    PnfdInvariantId = table.Column<string>(type: "text", nullable: true),
                    UserDefinedData = table.Column<string>(type: "text", nullable: true),
                    OnboardingFailureDetails = table.Column<string>(type: "text", nullable: true),
                    Diagnostics = table.Column<string>(type: "text", nullable: true),
                    EntryDefinitions = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pnf_descriptors", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "vnf_placement_pins",
                schema: "nfvo",
                columns: table => new
                {
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    VnfInstanceId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NsInstanceId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    VimId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ZoneId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    PinnedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_placement_pins", x => new { x.TenantId, x.VnfInstanceId });
                });

            migrationBuilder.CreateTable(
                name: "ns_descriptor_contents",
                schema: "nfvo",
                columns: table => new
                {
                    NsdInfoId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false),
                    ContentType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    UploadedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ns_descriptor_contents", x => x.NsdInfoId);
                    table.ForeignKey(
                        name: "FK_ns_descriptor_contents_ns_descriptors_NsdInfoId",
                        column: x => x.NsdInfoId,
                        principalSchema: "nfvo",
                        principalTable: "ns_descriptors",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ns_descriptor_files",
                schema: "nfvo",
                columns: table => new
                {
                    NsdInfoId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Path = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ns_descriptor_files", x => new { x.NsdInfoId, x.Path });
                    table.ForeignKey(
                        name: "FK_ns_descriptor_files_ns_descriptors_NsdInfoId",
                        column: x => x.NsdInfoId,
                        principalSchema: "nfvo",
                        principalTable: "ns_descriptors",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "pnf_descriptor_contents",
                schema: "nfvo",
                columns: table => new
                {
                    PnfdInfoId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false),
                    ContentType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    UploadedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pnf_descriptor_contents", x => x.PnfdInfoId);
                    table.ForeignKey(
                        name: "FK_pnf_descriptor_contents_pnf_descriptors_PnfdInfoId",
                        column: x => x.PnfdInfoId,
                        principalSchema: "nfvo",
                        principalTable: "pnf_descriptors",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ns_descriptors_TenantId_CreatedAt",
                schema: "nfvo",
                table: "ns_descriptors",
                columns: new[] { "TenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ns_descriptors_TenantId_NsdId",
                schema: "nfvo",
                table: "ns_descriptors",
                columns: new[] { "TenantId", "NsdId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ns_instances_TenantId_CreatedAt",
                schema: "nfvo",
                table: "ns_instances",
                columns: new[] { "TenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ns_instances_TenantId_NsdInfoId",
                schema: "nfvo",
                table: "ns_instances",
                columns: new[] { "TenantId", "NsdInfoId" });

            migrationBuilder.CreateIndex(
                name: "IX_ns_lcm_op_occs_OperationState",
                schema: "nfvo",
                table: "ns_lcm_op_occs",
                column: "OperationState");

            migrationBuilder.CreateIndex(
                name: "IX_ns_lcm_op_occs_TenantId_NsInstanceId",
                schema: "nfvo",
                table: "ns_lcm_op_occs",
                columns: new[] { "TenantId", "NsInstanceId" });

            migrationBuilder.CreateIndex(
                name: "IX_ns_vnf_instances_TenantId_NsInstanceId",
                schema: "nfvo",
                table: "ns_vnf_instances",
                columns: new[] { "TenantId", "NsInstanceId" });

            migrationBuilder.CreateIndex(
                name: "IX_nsdm_subscriptions_TenantId_CreatedAt",
                schema: "nfvo",
                table: "nsdm_subscriptions",
                columns: new[] { "TenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_nslcm_subscriptions_TenantId_CreatedAt",
                schema: "nfvo",
                table: "nslcm_subscriptions",
                columns: new[] { "TenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_pnf_descriptors_TenantId_CreatedAt",
                schema: "nfvo",
                table: "pnf_descriptors",
                columns: new[] { "TenantId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_pnf_descriptors_TenantId_PnfdId",
                schema: "nfvo",
                table: "pnf_descriptors",
                columns: new[] { "TenantId", "PnfdId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_vnf_placement_pins_TenantId_NsInstanceId",
                schema: "nfvo",
                table: "vnf_placement_pins",
                columns: new[] { "TenantId", "NsInstanceId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ns_descriptor_contents",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "ns_descriptor_files",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "ns_instances",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "ns_lcm_op_occs",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "ns_vnf_instances",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "nsdm_subscriptions",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "nslcm_subscriptions",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "pnf_descriptor_contents",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "vnf_placement_pins",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "ns_descriptors",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "pnf_descriptors",
                schema: "nfvo");

            migrationBuilder.DropColumn(
                name: "Location",
                schema: "nfvo",
                table: "vims");
        }
    }
}
