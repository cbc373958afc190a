using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mano.Nfvo.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class NsLifecycleManagement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
                name: "IX_nslcm_subscriptions_TenantId_CreatedAt",
                table: "nslcm_subscriptions",
                columns: new[] { "TenantId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ns_instances");

            migrationBuilder.DropTable(
                name: "ns_lcm_op_occs");

            migrationBuilder.DropTable(
                name: "ns_vnf_instances");

            migrationBuilder.DropTable(
                name: "nslcm_subscriptions");
        }
    }
}
