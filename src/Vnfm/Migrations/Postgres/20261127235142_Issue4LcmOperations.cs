using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mano.Vnfm.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue4LcmOperations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CancelMode",
                schema: "vnfm",
                table: "vnf_lcm_op_occs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ChangedExtConnectivity",
                schema: "vnfm",
                table: "vnf_lcm_op_occs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ChangedInfo",
                schema: "vnfm",
                table: "vnf_lcm_op_occs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PreviousState",
                schema: "vnfm",
                table: "vnf_lcm_op_occs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Extensions",
                schema: "vnfm",
                table: "vnf_instances",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ResourcePlan",
                schema: "vnfm",
                table: "vnf_instances",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VnfConfigurableProperties",
                schema: "vnfm",
                table: "vnf_instances",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CancelMode",
                schema: "vnfm",
                table: "vnf_lcm_op_occs");

            migrationBuilder.DropColumn(
                name: "ChangedExtConnectivity",
                schema: "vnfm",
                table: "vnf_lcm_op_occs");

            migrationBuilder.DropColumn(
                name: "ChangedInfo",
                schema: "vnfm",
                table: "vnf_lcm_op_occs");

            migrationBuilder.DropColumn(
                name: "PreviousState",
                schema: "vnfm",
                table: "vnf_lcm_op_occs");

            migrationBuilder.DropColumn(
                name: "Extensions",
                schema: "vnfm",
                table: "vnf_instances");

            migrationBuilder.DropColumn(
                name: "ResourcePlan",
                schema: "vnfm",
                table: "vnf_instances");

            migrationBuilder.DropColumn(
                name: "VnfConfigurableProperties",
                schema: "vnfm",
                table: "vnf_instances");
        }
    }
}
