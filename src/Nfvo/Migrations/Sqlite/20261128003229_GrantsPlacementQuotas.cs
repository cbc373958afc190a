using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mano.Nfvo.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class GrantsPlacementQuotas : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Grant",
                table: "grants",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT");

            migrationBuilder.AddColumn<string>(
                name: "Rejection",
                table: "grants",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "RequestedAt",
                table: "grants",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "grants",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "GRANTED"); // grants decided before this migration were all granted

            migrationBuilder.CreateTable(
                name: "granted_resources",
                columns: table => new
                {
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    VnfInstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ResourceDefinitionId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ResourceTemplateId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    VnfdId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    VimId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ZoneId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    VimResourceId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Vcpus = table.Column<int>(type: "INTEGER", nullable: false),
                    MemoryMiB = table.Column<long>(type: "INTEGER", nullable: false),
                    StorageGiB = table.Column<long>(type: "INTEGER", nullable: false),
                    GrantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    GrantedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_granted_resources", x => new { x.TenantId, x.VnfInstanceId, x.ResourceDefinitionId });
                });

            migrationBuilder.CreateTable(
                name: "tenant_quotas",
                columns: table => new
                {
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    MaxVnfcs = table.Column<int>(type: "INTEGER", nullable: true),
                    MaxVcpus = table.Column<int>(type: "INTEGER", nullable: true),
                    MaxMemoryMiB = table.Column<long>(type: "INTEGER", nullable: true),
                    MaxStorageGiB = table.Column<long>(type: "INTEGER", nullable: true),
                    Serial = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenant_quotas", x => x.TenantId);
                });

            migrationBuilder.CreateTable(
                name: "vim_capacities",
                columns: table => new
                {
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    VimId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    MaxInstances = table.Column<int>(type: "INTEGER", nullable: true),
                    MaxVcpus = table.Column<int>(type: "INTEGER", nullable: true),
                    MaxMemoryMiB = table.Column<long>(type: "INTEGER", nullable: true),
                    MaxStorageGiB = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vim_capacities", x => new { x.TenantId, x.VimId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_granted_resources_TenantId_VimId",
                table: "granted_resources",
                columns: new[] { "TenantId", "VimId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "granted_resources");

            migrationBuilder.DropTable(
                name: "tenant_quotas");

            migrationBuilder.DropTable(
                name: "vim_capacities");

            migrationBuilder.DropColumn(
                name: "Rejection",
                table: "grants");

            migrationBuilder.DropColumn(
                name: "RequestedAt",
                table: "grants");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "grants");

            migrationBuilder.AlterColumn<string>(
                name: "Grant",
                table: "grants",
                type: "TEXT",
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldNullable: true);
        }
    }
}
