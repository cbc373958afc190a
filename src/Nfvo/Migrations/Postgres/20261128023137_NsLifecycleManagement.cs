using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mano.Nfvo.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class NsLifecycleManagement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
                name: "IX_nslcm_subscriptions_TenantId_CreatedAt",
                schema: "nfvo",
                table: "nslcm_subscriptions",
                columns: new[] { "TenantId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
                name: "nslcm_subscriptions",
                schema: "nfvo");
        }
    }
}
