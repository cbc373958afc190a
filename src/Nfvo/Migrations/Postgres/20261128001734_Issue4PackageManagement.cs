using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Mano.Nfvo.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue4PackageManagement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AdditionalArtifacts",
                schema: "nfvo",
                table: "vnf_packages",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ArtifactSecurityFiles",
                schema: "nfvo",
                table: "vnf_packages",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CertificatePath",
                schema: "nfvo",
                table: "vnf_packages",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CompatibleSpecificationVersions",
                schema: "nfvo",
                table: "vnf_packages",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ManifestPath",
                schema: "nfvo",
                table: "vnf_packages",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PackageSecurityOption",
                schema: "nfvo",
                table: "vnf_packages",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SigningCertificate",
                schema: "nfvo",
                table: "vnf_packages",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SoftwareImages",
                schema: "nfvo",
                table: "vnf_packages",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "notification_deliveries",
                schema: "nfvo",
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
                name: "pkgm_subscriptions",
                schema: "nfvo",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CallbackUri = table.Column<string>(type: "text", nullable: false),
                    Filter = table.Column<string>(type: "text", nullable: true),
                    Authentication = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pkgm_subscriptions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "vnf_package_fetches",
                schema: "nfvo",
                columns: table => new
                {
                    VnfPkgId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AddressInformation = table.Column<string>(type: "text", nullable: false),
                    Credentials = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_package_fetches", x => x.VnfPkgId);
                    table.ForeignKey(
                        name: "FK_vnf_package_fetches_vnf_packages_VnfPkgId",
                        column: x => x.VnfPkgId,
                        principalSchema: "nfvo",
                        principalTable: "vnf_packages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "vnf_package_usages",
                schema: "nfvo",
                columns: table => new
                {
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    VnfdId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    VnfInstanceId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    InUse = table.Column<bool>(type: "boolean", nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_package_usages", x => new { x.TenantId, x.VnfdId, x.VnfInstanceId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_notification_deliveries_DeliveredAt_AbandonedAt_Subscriptio~",
                schema: "nfvo",
                table: "notification_deliveries",
                columns: new[] { "DeliveredAt", "AbandonedAt", "SubscriptionId" });

            migrationBuilder.CreateIndex(
                name: "IX_pkgm_subscriptions_TenantId_CreatedAt",
                schema: "nfvo",
                table: "pkgm_subscriptions",
                columns: new[] { "TenantId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "notification_deliveries",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "pkgm_subscriptions",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "vnf_package_fetches",
                schema: "nfvo");

            migrationBuilder.DropTable(
                name: "vnf_package_usages",
                schema: "nfvo");

            migrationBuilder.DropColumn(
                name: "AdditionalArtifacts",
                schema: "nfvo",
                table: "vnf_packages");

            migrationBuilder.DropColumn(
                name: "ArtifactSecurityFiles",
                schema: "nfvo",
                table: "vnf_packages");

            migrationBuilder.DropColumn(
                name: "CertificatePath",
                schema: "nfvo",
                table: "vnf_packages");

            migrationBuilder.DropColumn(
                name: "CompatibleSpecificationVersions",
                schema: "nfvo",
                table: "vnf_packages");

            migrationBuilder.DropColumn(
                name: "ManifestPath",
                schema: "nfvo",
                table: "vnf_packages");

            migrationBuilder.DropColumn(
                name: "PackageSecurityOption",
                schema: "nfvo",
                table: "vnf_packages");

            migrationBuilder.DropColumn(
                name: "SigningCertificate",
                schema: "nfvo",
                table: "vnf_packages");

            migrationBuilder.DropColumn(
                name: "SoftwareImages",
                schema: "nfvo",
                table: "vnf_packages");
        }
    }
}
