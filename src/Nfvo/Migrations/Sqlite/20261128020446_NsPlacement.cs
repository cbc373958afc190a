using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mano.Nfvo.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class NsPlacement : Migration
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

            migrationBuilder.CreateIndex(
                name: "IX_vnf_placement_pins_TenantId_NsInstanceId",
                table: "vnf_placement_pins",
                columns: new[] { "TenantId", "NsInstanceId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "vnf_placement_pins");

            migrationBuilder.DropColumn(
                name: "Location",
                table: "vims");
        }
    }
}
