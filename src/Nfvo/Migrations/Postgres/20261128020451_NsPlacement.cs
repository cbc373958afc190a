using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mano.Nfvo.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class NsPlacement : Migration
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
                name: "vnf_placement_pins",
                schema: "nfvo");

            migrationBuilder.DropColumn(
                name: "Location",
                schema: "nfvo",
                table: "vims");
        }
    }
}
