using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mano.Vnfm.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "lccn_subscriptions",
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
                    table.PrimaryKey("PK_lccn_subscriptions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "notification_deliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SubscriptionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CallbackUri = table.Column<string>(type: "TEXT", nullable: false),
                    Authentication = table.Column<string>(type: "TEXT", nullable: true),
                    NotificationType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    DeliveredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AbandonedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LockedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_deliveries", x => x.Id);
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
                name: "vnf_instances",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    VnfInstanceName = table.Column<string>(type: "TEXT", nullable: true),
                    VnfInstanceDescription = table.Column<string>(type: "TEXT", nullable: true),
                    VnfdId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    VnfPkgId = table.Column<string>(type: "TEXT", nullable: false),
                    VnfProvider = table.Column<string>(type: "TEXT", nullable: false),
                    VnfProductName = table.Column<string>(type: "TEXT", nullable: false),
                    VnfSoftwareVersion = table.Column<string>(type: "TEXT", nullable: false),
                    VnfdVersion = table.Column<string>(type: "TEXT", nullable: false),
                    InstantiationState = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    InstantiatedVnfInfo = table.Column<string>(type: "TEXT", nullable: true),
                    VimConnectionInfo = table.Column<string>(type: "TEXT", nullable: true),
                    Metadata = table.Column<string>(type: "TEXT", nullable: true),
                    CurrentOpOccId = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_instances", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "vnf_lcm_op_occs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    VnfInstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Operation = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    OperationState = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    StateEnteredTime = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartTime = table.Column<DateTime>(type: "TEXT", nullable: false),
                    IsAutomaticInvocation = table.Column<bool>(type: "INTEGER", nullable: false),
                    IsCancelPending = table.Column<bool>(type: "INTEGER", nullable: false),
                    OperationParams = table.Column<string>(type: "TEXT", nullable: true),
                    Plan = table.Column<string>(type: "TEXT", nullable: true),
                    GrantId = table.Column<string>(type: "TEXT", nullable: true),
                    Grant = table.Column<string>(type: "TEXT", nullable: true),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    ResourceChanges = table.Column<string>(type: "TEXT", nullable: true),
                    LockedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_lcm_op_occs", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_lccn_subscriptions_TenantId",
                table: "lccn_subscriptions",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_notification_deliveries_DeliveredAt_AbandonedAt_SubscriptionId",
                table: "notification_deliveries",
                columns: new[] { "DeliveredAt", "AbandonedAt", "SubscriptionId" });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_DispatchedAt",
                table: "outbox_messages",
                column: "DispatchedAt");

            migrationBuilder.CreateIndex(
                name: "IX_vnf_instances_TenantId_VnfdId",
                table: "vnf_instances",
                columns: new[] { "TenantId", "VnfdId" });

            migrationBuilder.CreateIndex(
                name: "IX_vnf_lcm_op_occs_OperationState",
                table: "vnf_lcm_op_occs",
                column: "OperationState");

            migrationBuilder.CreateIndex(
                name: "IX_vnf_lcm_op_occs_TenantId_VnfInstanceId",
                table: "vnf_lcm_op_occs",
                columns: new[] { "TenantId", "VnfInstanceId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lccn_subscriptions");

            migrationBuilder.DropTable(
                name: "notification_deliveries");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "vnf_instances");

            migrationBuilder.DropTable(
                name: "vnf_lcm_op_occs");
        }
    }
}
