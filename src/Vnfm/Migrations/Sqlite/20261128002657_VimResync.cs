using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mano.Vnfm.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class VimResync : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "vnf_resync_states",
                columns: table => new
                {
                    VnfInstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CheckedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DriftedSince = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    Drift = table.Column<string>(type: "TEXT", nullable: false),
                    Observed = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_resync_states", x => x.VnfInstanceId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_vnf_resync_states_TenantId_State",
                table: "vnf_resync_states",
                columns: new[] { "TenantId", "State" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "vnf_resync_states");
        }
    }
}
