using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mano.Vnfm.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue4LcmOperations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CancelMode",
                table: "vnf_lcm_op_occs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ChangedExtConnectivity",
                table: "vnf_lcm_op_occs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ChangedInfo",
                table: "vnf_lcm_op_occs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PreviousState",
                table: "vnf_lcm_op_occs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Extensions",
                table: "vnf_instances",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ResourcePlan",
                table: "vnf_instances",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VnfConfigurableProperties",
                table: "vnf_instances",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CancelMode",
                table: "vnf_lcm_op_occs");

            migrationBuilder.DropColumn(
                name: "ChangedExtConnectivity",
                table: "vnf_lcm_op_occs");

            migrationBuilder.DropColumn(
                name: "ChangedInfo",
                table: "vnf_lcm_op_occs");

            migrationBuilder.DropColumn(
                name: "PreviousState",
                table: "vnf_lcm_op_occs");

            migrationBuilder.DropColumn(
                name: "Extensions",
                table: "vnf_instances");

            migrationBuilder.DropColumn(
                name: "ResourcePlan",
                table: "vnf_instances");

            migrationBuilder.DropColumn(
                name: "VnfConfigurableProperties",
                table: "vnf_instances");
        }
    }
}
