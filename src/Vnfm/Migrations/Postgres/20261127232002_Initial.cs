using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Mano.Vnfm.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "vnfm");

            migrationBuilder.CreateTable(
                name: "lccn_subscriptions",
                schema: "vnfm",
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
                    table.PrimaryKey("PK_lccn_subscriptions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "notification_deliveries",
                schema: "vnfm",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SubscriptionId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CallbackUri = table.Column<string>(type: "text", nullable: false),
                    Authentication = table.Column<string>(type: "text", nullable: true),
                    NotificationType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Payload = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    DeliveredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    AbandonedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LockedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_deliveries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                schema: "vnfm",
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
                name: "vnf_instances",
                schema: "vnfm",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    VnfInstanceName = table.Column<string>(type: "text", nullable: true),
                    VnfInstanceDescription = table.Column<string>(type: "text", nullable: true),
                    VnfdId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    VnfPkgId = table.Column<string>(type: "text", nullable: false),
                    VnfProvider = table.Column<string>(type: "text", nullable: false),
                    VnfProductName = table.Column<string>(type: "text", nullable: false),
                    VnfSoftwareVersion = table.Column<string>(type: "text", nullable: false),
                    VnfdVersion = table.Column<string>(type: "text", nullable: false),
                    InstantiationState = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    InstantiatedVnfInfo = table.Column<string>(type: "text", nullable: true),
                    VimConnectionInfo = table.Column<string>(type: "text", nullable: true),
                    Metadata = table.Column<string>(type: "text", nullable: true),
                    CurrentOpOccId = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_instances", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "vnf_lcm_op_occs",
                schema: "vnfm",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    VnfInstanceId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Operation = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    OperationState = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    StateEnteredTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StartTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    IsAutomaticInvocation = table.Column<bool>(type: "boolean", nullable: false),
                    IsCancelPending = table.Column<bool>(type: "boolean", nullable: false),
                    OperationParams = table.Column<string>(type: "text", nullable: true),
                    Plan = table.Column<string>(type: "text", nullable: true),
                    GrantId = table.Column<string>(type: "text", nullable: true),
                    Grant = table.Column<string>(type: "text", nullable: true),
                    Error = table.Column<string>(type: "text", nullable: true),
                    ResourceChanges = table.Column<string>(type: "text", nullable: true),
                    LockedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_lcm_op_occs", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_lccn_subscriptions_TenantId",
                schema: "vnfm",
                table: "lccn_subscriptions",
                column: "TenantId");

            migrationBuilder.CreateIndex(
                name: "IX_notification_deliveries_DeliveredAt_AbandonedAt_Subscriptio~",
                schema: "vnfm",
                table: "notification_deliveries",
                columns: new[] { "DeliveredAt", "AbandonedAt", "SubscriptionId" });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_DispatchedAt",
                schema: "vnfm",
                table: "outbox_messages",
                column: "DispatchedAt");

            migrationBuilder.CreateIndex(
                name: "IX_vnf_instances_TenantId_VnfdId",
                schema: "vnfm",
                table: "vnf_instances",
                columns: new[] { "TenantId", "VnfdId" });

            migrationBuilder.CreateIndex(
                name: "IX_vnf_lcm_op_occs_OperationState",
                schema: "vnfm",
                table: "vnf_lcm_op_occs",
                column: "OperationState");

            migrationBuilder.CreateIndex(
                name: "IX_vnf_lcm_op_occs_TenantId_VnfInstanceId",
                schema: "vnfm",
                table: "vnf_lcm_op_occs",
                columns: new[] { "TenantId", "VnfInstanceId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lccn_subscriptions",
                schema: "vnfm");

            migrationBuilder.DropTable(
                name: "notification_deliveries",
                schema: "vnfm");

            migrationBuilder.DropTable(
                name: "outbox_messages",
                schema: "vnfm");

            migrationBuilder.DropTable(
                name: "vnf_instances",
                schema: "vnfm");

            migrationBuilder.DropTable(
                name: "vnf_lcm_op_occs",
                schema: "vnfm");
        }
    }
}
