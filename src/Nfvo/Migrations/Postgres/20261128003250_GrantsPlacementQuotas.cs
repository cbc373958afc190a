using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mano.Nfvo.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class GrantsPlacementQuotas : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Grant",
                schema: "nfvo",
                table: "grants",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "text");

            migrationBuilder.AddColumn<string>(
                name: "Rejection",
                schema: "nfvo",
                table: "grants",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "RequestedAt",
                schema: "nfvo",
                table: "grants",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<string>(
                name: "Status",
                schema: "nfvo",
                table: "grants",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "GRANTED"); // grants decided before this migration were all granted

            migrationBuilder.CreateTable(
                name: "granted_resources",
                schema: "nfvo",
                columns: table => new
                {
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    VnfInstanceId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ResourceDefinitionId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    Type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ResourceTemplateId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    VnfdId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    VimId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ZoneId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    VimResourceId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    Vcpus = table.Column<int>(type: "integer", nullable: false),
                    MemoryMiB = table.Column<long>(type: "bigint", nullable: false),
                    StorageGiB = table.Column<long>(type: "bigint", nullable: false),
                    GrantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    GrantedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_granted_resources", x => new { x.TenantId, x.VnfInstanceId, x.ResourceDefinitionId });
                });

            migrationBuilder.CreateTable(
                name: "tenant_quotas",
                schema: "nfvo",
                columns: table => new
                {
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    MaxVnfcs = table.Column<int>(type: "integer", nullable: true),
                    MaxVcpus = table.Column<int>(type: "integer", nullable: true),
                    MaxMemoryMiB = table.Column<long>(type: "bigint", nullable: true),
                    MaxStorageGiB = table.Column<long>(type: "bigint", nullable: true),
                    Serial = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenant_quotas", x => x.TenantId);
                });

            migrationBuilder.CreateTable(
                name: "vim_capacities",
                schema: "nfvo",
                columns: table => new
                {
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    VimId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    MaxInstances = table.Column<int>(type: "integer", nullable: true),
                    MaxVcpus = table.Column<int>(type: "integer", nullable: true),
                    MaxMemoryMiB = table.Column<long>(type: "bigint", nullable: true),
                    MaxStorageGiB = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vim_capacities", x => new { x.TenantId, x.VimId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_granted_resources_TenantId_VimId",
                schema: "nfvo",
                table: "granted_resources",
                columns: new[] { "TenantId", "VimId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "granted_resources",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "tenant_quotas",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "vim_capacities",
                schema: "nfvo");

            migrationBuilder.DropColumn(
                name: "Rejection",
                schema: "nfvo",
                table: "grants");

            migrationBuilder.DropColumn(
                name: "RequestedAt",
                schema: "nfvo",
                table: "grants");

            migrationBuilder.DropColumn(
                name: "Status",
                schema: "nfvo",
                table: "grants");

            migrationBuilder.AlterColumn<string>(
                name: "Grant",
                schema: "nfvo",
                table: "grants",
                type: "text",
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "text",
                oldNullable: true);
        }
    }
}
