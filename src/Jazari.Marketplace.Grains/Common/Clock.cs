namespace Jazari.Marketplace.Grains;

/// <summary>
/// The marketplace's clock: the keyed <see cref="TimeProvider"/> grains read the time from. It is the
/// system clock in the host; tests put a fake one under this key. It is kept apart from the unkeyed
/// TimeProvider because Orleans reads that one for cluster membership: moving it would declare the silo dead.
/// </summary>
public static class Clock
{
    public const string Key = "marketplace";
}
