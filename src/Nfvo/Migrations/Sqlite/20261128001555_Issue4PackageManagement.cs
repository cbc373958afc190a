using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mano.Nfvo.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue4PackageManagement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AdditionalArtifacts",
                table: "vnf_packages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ArtifactSecurityFiles",
                table: "vnf_packages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CertificatePath",
                table: "vnf_packages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CompatibleSpecificationVersions",
                table: "vnf_packages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ManifestPath",
                table: "vnf_packages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PackageSecurityOption",
                table: "vnf_packages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SigningCertificate",
                table: "vnf_packages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SoftwareImages",
                table: "vnf_packages",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "notification_deliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SubscriptionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CallbackUri = table.Column<string>(type: "TEXT", nullable: false),
                    Authentication = table.Column<string>(type: "TEXT", nullable: true),
                    NotificationType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    DeliveredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AbandonedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LockedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_deliveries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "pkgm_subscriptions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CallbackUri = table.Column<string>(type: "TEXT", nullable: false),
                    Filter = table.Column<string>(type: "TEXT", nullable: true),
                    Authentication = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pkgm_subscriptions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "vnf_package_fetches",
                columns: table => new
                {
                    VnfPkgId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AddressInformation = table.Column<string>(type: "TEXT", nullable: false),
                    Credentials = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_package_fetches", x => x.VnfPkgId);
                    table.ForeignKey(
                        name: "FK_vnf_package_fetches_vnf_packages_VnfPkgId",
                        column: x => x.VnfPkgId,
                        principalTable: "vnf_packages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "vnf_package_usages",
                columns: table => new
                {
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    VnfdId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    VnfInstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    InUse = table.Column<bool>(type: "INTEGER", nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_vnf_package_usages", x => new { x.TenantId, x.VnfdId, x.VnfInstanceId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_notification_deliveries_DeliveredAt_AbandonedAt_SubscriptionId",
                table: "notification_deliveries",
                columns: new[] { "DeliveredAt", "AbandonedAt", "SubscriptionId" });

            migrationBuilder.CreateIndex(
                name: "IX_pkgm_subscriptions_TenantId_CreatedAt",
                table: "pkgm_subscriptions",
                columns: new[] { "TenantId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "notification_deliveries");

            migrationBuilder.DropTable(
                name: "pkgm_subscriptions");

            migrationBuilder.DropTable(
                name: "vnf_package_fetches");

            migrationBuilder.DropTable(
                name: "vnf_package_usages");

            migrationBuilder.DropColumn(
                name: "AdditionalArtifacts",
                table: "vnf_packages");

            migrationBuilder.DropColumn(
                name: "ArtifactSecurityFiles",
                table: "vnf_packages");

            migrationBuilder.DropColumn(
                name: "CertificatePath",
                table: "vnf_packages");

            migrationBuilder.DropColumn(
                name: "CompatibleSpecificationVersions",
                table: "vnf_packages");

            migrationBuilder.DropColumn(
                name: "ManifestPath",
                table: "vnf_packages");

            migrationBuilder.DropColumn(
                name: "PackageSecurityOption",
                table: "vnf_packages");

            migrationBuilder.DropColumn(
                name: "SigningCertificate",
                table: "vnf_packages");

            migrationBuilder.DropColumn(
                name: "SoftwareImages",
                table: "vnf_packages");
        }
    }
}
