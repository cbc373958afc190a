using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mano.Nfvo.Migrations.Sqlite
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
                table: "vims");

            migrationBuilder.AddColumn<DateTime>(
                name: "UpdatedAt",
                table: "vims",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AccessInfoCiphertext",
                table: "vims",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AccessInfoKeyId",
                table: "vims",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AccessInfoMasked",
                table: "vims",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Description",
                table: "vims",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Extra",
                table: "vims",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "vims",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "PENDING");

            migrationBuilder.AddColumn<DateTime>(
                name: "StatusCheckedAt",
                table: "vims",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StatusDetail",
                table: "vims",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_vims_one_default_per_tenant",
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
                table: "vims");

            migrationBuilder.DropColumn(
                name: "AccessInfoCiphertext",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "AccessInfoKeyId",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "AccessInfoMasked",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "Description",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "Extra",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "StatusCheckedAt",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "StatusDetail",
                table: "vims");

            migrationBuilder.DropColumn(
                name: "UpdatedAt",
                table: "vims");

            migrationBuilder.AddColumn<string>(
                name: "AccessInfo",
                table: "vims",
                type: "TEXT",
                nullable: true);
        }
    }
}
