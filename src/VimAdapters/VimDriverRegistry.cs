namespace Mano.VimAdapters;

/// <summary>Picks the driver for a VIM's <c>vimType</c>.</summary>
public sealed class VimDriverRegistry
{
    private readonly Dictionary<string, IVimDriver> _drivers = new(StringComparer.Ordinal);

    public VimDriverRegistry(IEnumerable<IVimDriver> drivers)
    {
        ArgumentNullException.ThrowIfNull(drivers);
        foreach (var driver in drivers)
        {
            if (!_drivers.TryAdd(driver.VimType, driver))
                throw new ArgumentException($"two VIM drivers registered for VIM type '{driver.VimType}'", nameof(drivers));
        }
    }

    public IReadOnlyCollection<string> SupportedVimTypes => _drivers.Keys;

    /// <exception cref="VimException">No driver serves <paramref name="vimType"/>.</exception>
    public IVimDriver For(string vimType) =>
        TryGet(vimType, out var driver)
            ? driver
            : throw new VimException("resolve_driver",
                $"no VIM driver for VIM type '{vimType}' (supported: {(_drivers.Count == 0 ? "none" : string.Join(", ", _drivers.Keys.Order(StringComparer.Ordinal)))})");

    public bool TryGet(string vimType, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IVimDriver? driver) =>
        _drivers.TryGetValue(vimType ?? "", out driver);
}
