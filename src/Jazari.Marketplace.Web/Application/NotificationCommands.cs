using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Notifications;

namespace Jazari.Marketplace.Web.Application;

public sealed record PreferencesInput
{
    public Dictionary<string, string?>? Kinds { get; init; }
}

public sealed record PreferencesResponse(IReadOnlyDictionary<string, string> Kinds, bool EmailStopped, string? EmailStoppedReason)
{
    public static PreferencesResponse From(NotificationPreferences p) =>
        new(p.Kinds.ToDictionary(k => k.Key, k => Name(k.Value)), p.EmailStoppedAt is not null, p.EmailStoppedReason);

    public static string Name(Delivery delivery) => delivery switch
    {
        Delivery.Immediate => "immediate",
        Delivery.Digest => "digest",
        Delivery.Off => "off",
        _ => throw new ArgumentOutOfRangeException(nameof(delivery), delivery, "Unknown delivery."),
    };
}

/// <summary>How each kind of notification comes to the caller: at once, in the daily digest, or not at all.</summary>
public sealed class NotificationCommands(IGrainFactory grains)
{
    private static readonly string[] Deliveries = ["immediate", "digest", "off"];

    public async Task<PreferencesResponse> PreferencesAsync(Caller caller) =>
        PreferencesResponse.From(await grains.GetGrain<IAccountNotificationsGrain>(caller.AccountId).GetPreferencesAsync());

    public async Task<PreferencesResponse> SetPreferencesAsync(Caller caller, PreferencesInput input)
    {
        var kinds = Checks.Valid(c =>
        {
            var kinds = new Dictionary<string, Delivery>();
            foreach (var (kind, value) in input.Kinds ?? [])
            {
                if (!NotificationKinds.Choosable.Contains(kind)) c.Error($"kinds.{kind}", "Unknown notification kind.");
                else if (c.OneOf($"kinds.{kind}", value, Deliveries) is var delivery && Deliveries.Contains(delivery)) kinds[kind] = Parse(delivery);
            }
            return kinds;
        });
        return PreferencesResponse.From(await grains.GetGrain<IAccountNotificationsGrain>(caller.AccountId).SetPreferencesAsync(kinds));
    }

    private static Delivery Parse(string delivery) => delivery switch
    {
        "immediate" => Delivery.Immediate,
        "digest" => Delivery.Digest,
        "off" => Delivery.Off,
        _ => throw new ArgumentOutOfRangeException(nameof(delivery), delivery, "Unknown delivery."),
    };
}
