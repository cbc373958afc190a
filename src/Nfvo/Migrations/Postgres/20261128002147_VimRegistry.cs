using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mano.Nfvo.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class VimRegistry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The plaintext credentials column goes (ADR-0008): credentials are stored only encrypted from now on. No release
            // could register credentials before this migration (the registry had no write API), so nothing is lost.
            migrationBuilder.DropColumn(
                name: "AccessInfo",
                schema: "nfvo",
                table: "vims");

            migrationBuilder.AddColumn<string>(
                name: "StatusDetail",
                schema: "nfvo",
                table: "vims",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AccessInfoCiphertext",
                schema: "nfvo",
                table: "vims",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AccessInfoKeyId",
                schema: "nfvo",
                table: "vims",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AccessInfoMasked",
                schema: "nfvo",
                table: "vims",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Description",
                schema: "nfvo",
                table: "vims",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Extra",
                schema: "nfvo",
                table: "vims",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Status",
                schema: "nfvo",
                table: "vims",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "PENDING");

            migrationBuilder.AddColumn<DateTime>(
                name: "StatusCheckedAt",
                schema: "nfvo",
                table: "vims",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "UpdatedAt",
                schema: "nfvo",
                table: "vims",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_vims_one_default_per_tenant",
                schema: "nfvo",
                table: "vims",
                column: "TenantId",
                unique: true,
                filter: "\"IsDefault\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_vims_one_default_per_tenant",
                schema: "nfvo",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "AccessInfoCiphertext",
                schema: "nfvo",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "AccessInfoKeyId",
                schema: "nfvo",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "AccessInfoMasked",
                schema: "nfvo",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "Description",
                schema: "nfvo",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "Extra",
                schema: "nfvo",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "Status",
                schema: "nfvo",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "StatusCheckedAt",
                schema: "nfvo",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "UpdatedAt",
                schema: "nfvo",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "StatusDetail",
                schema: "nfvo",
                table: "vims");

            migrationBuilder.AddColumn<string>(
                name: "AccessInfo",
                schema: "nfvo",
                table: "vims",
                type: "text",
                nullable: true);
        }
    }
}
