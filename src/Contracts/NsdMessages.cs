namespace Mano.Contracts.Messages;

// NFVO-internal bus messages of NSD management (SOL005 clause 5): written to the NFVO's outbox by the upload request,
// consumed by the NFVO's onboarding consumers, so onboarding is asynchronous and survives a restart.

/// <summary>PUT .../ns_descriptors/{nsdInfoId}/nsd_content stored the archive: onboard it (SOL005 5.4.4.3.3).</summary>
public sealed record OnboardNsd(string TenantId, string NsdInfoId);

/// <summary>PUT .../pnf_descriptors/{pnfdInfoId}/pnfd_content stored the archive: onboard it (SOL005 5.4.7.3.3).</summary>
public sealed record OnboardPnfd(string TenantId, string PnfdInfoId);
