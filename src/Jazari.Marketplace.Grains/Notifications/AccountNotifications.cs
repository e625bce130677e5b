namespace Jazari.Marketplace.Grains.Notifications;

/// <summary>
/// The notifications of one account (the key is the account id): its preferences, what is recorded and not
/// yet sent, and the keys already sent, so a retried job never sends twice.
/// </summary>
public interface IAccountNotificationsGrain : IGrainWithStringKey
{
    Task<NotificationPreferences> GetPreferencesAsync();
    Task<NotificationPreferences> SetPreferencesAsync(IReadOnlyDictionary<string, Delivery> kinds);
    /// <summary>Turns one kind off, or every kind when <paramref name="kind"/> is null (the unsubscribe link).</summary>
    Task UnsubscribeAsync(string? kind);
    /// <summary>The address bounced, was dropped or reported spam: e-mail stops. Repeating it changes nothing.</summary>
    Task StopEmailAsync(string reason);
    /// <summary>Records a notification once per key; the same key again returns what was decided the first time.</summary>
    Task<RecordedNotification> RecordAsync(Notification notification);
    /// <summary>
    /// Claims a pending notification for one sending attempt (a Hangfire job id) until <paramref name="leaseUntil"/>.
    /// Null when it was sent or skipped already; a conflict while another attempt holds it.
    /// </summary>
    Task<Notification?> BeginSendAsync(string key, string attempt, DateTimeOffset leaseUntil);
    Task MarkSentAsync(string key);
    /// <summary>The notifications waiting for the daily digest, oldest first (none of a kind turned off since).</summary>
    Task<IReadOnlyList<Notification>> GetDigestAsync();
    /// <summary>
    /// Replaces the listed digest items by one digest notification to send at once (none: the items are dropped), and
    /// drops the items of kinds turned off since. True when items recorded after the listing are still waiting.
    /// </summary>
    Task<bool> RollUpDigestAsync(Notification? digest, IReadOnlyList<string> itemKeys);
    /// <summary>The rolled-up digests not yet sent and not held by a sending attempt: each needs a send job.</summary>
    Task<IReadOnlyList<string>> DigestsToSendAsync();
    /// <summary>The account was erased: preferences, waiting notifications (their texts name people) and sent keys are deleted.</summary>
    Task EraseAsync();
    /// <summary>Everything recorded for the account: preferences, waiting notifications and the keys of those sent.</summary>
    Task<AccountNotificationsState> ExportAsync();
}

internal sealed class AccountNotificationsGrain(
    [PersistentState("notifications", "marketplace")] IPersistentState<AccountNotificationsState> state,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IAccountNotificationsGrain
{
    /// <summary>Waiting e-mails of the account; sign-in e-mails are counted apart, so a full account can still sign in.</summary>
    public const int MaxPending = 200;
    /// <summary>Waiting sign-in e-mails: one more drops the oldest (a newer code is on its way).</summary>
    public const int MaxSignInWaiting = 5;
    /// <summary>Digest items that make the digest go at once rather than wait for the morning.</summary>
    public const int DigestEarlyAt = MaxPending / 2;
    /// <summary>How late the oldest digest item may be before a new item schedules the digest again (a lost job).</summary>
    public static readonly TimeSpan DigestOverdue = TimeSpan.FromDays(2);
    public const int RememberedKeys = 1000;
    /// <summary>How long a sign-in e-mail may wait to be sent: the life of its code.</summary>
    public static readonly TimeSpan SignInLifetime = Accounts.SignInRules.CodeLifetime;

    private AccountNotificationsState S => state.State;

    public Task<NotificationPreferences> GetPreferencesAsync() => Task.FromResult(Preferences());

    public async Task<NotificationPreferences> SetPreferencesAsync(IReadOnlyDictionary<string, Delivery> kinds)
    {
        foreach (var (kind, delivery) in kinds)
        {
            if (!NotificationKinds.Choosable.Contains(kind)) throw MarketplaceException.Invalid("kinds", $"Unknown notification kind '{kind}'.");
            S.Preferences[kind] = delivery;
        }
        await state.SaveAsync();
        return Preferences();
    }

    public async Task UnsubscribeAsync(string? kind)
    {
        var kinds = kind is null ? NotificationKinds.Choosable : NotificationKinds.Choosable.Where(k => k == kind).ToList();
        if (kinds.All(k => S.Preferences.GetValueOrDefault(k) == Delivery.Off)) return;
        foreach (var k in kinds) S.Preferences[k] = Delivery.Off;
        await state.SaveAsync();
    }

    public async Task StopEmailAsync(string reason)
    {
        if (S.EmailStoppedAt is not null) return;
        S.EmailStoppedAt = time.GetUtcNow();
        S.EmailStoppedReason = reason;
        await state.SaveAsync();
    }

    public async Task<RecordedNotification> RecordAsync(Notification notification)
    {
        if (S.Pending.Find(p => p.Notification.Key == notification.Key) is { } pending) return Recorded(pending);
        if (S.DoneKeys.Contains(notification.Key)) return new(Delivery.Off, false);
        var delivery = DeliveryOf(notification.Kind);
        if (delivery == Delivery.Off)
        {
            Done(notification.Key);
        }
        else if (NotificationKinds.IsSignIn(notification.Kind))
        {
            var signIns = S.Pending.Where(p => NotificationKinds.IsSignIn(p.Notification.Kind)).ToList();
            if (signIns.Count >= MaxSignInWaiting)
            {
                S.Pending.Remove(signIns[0]);
                Done(signIns[0].Notification.Key);
            }
            S.Pending.Add(new PendingNotification(notification, delivery, null, null));
        }
        else
        {
            if (S.Pending.Count(p => !NotificationKinds.IsSignIn(p.Notification.Kind)) >= MaxPending)
                throw MarketplaceException.Conflict("Too many notifications waiting for this account; try again later.");
            S.Pending.Add(new PendingNotification(notification, delivery, null, null));
        }
        // The oldest digest item long overdue: its job was lost. The digest is scheduled again, once a day at most.
        var repair = delivery == Delivery.Digest && Waiting().First().Notification.CreatedAt + DigestOverdue < time.GetUtcNow()
            && (S.DigestRepairedAt is null || S.DigestRepairedAt + TimeSpan.FromDays(1) < time.GetUtcNow());
        if (repair) S.DigestRepairedAt = time.GetUtcNow();
        await state.SaveAsync();
        return delivery == Delivery.Off ? new(Delivery.Off, false) : Recorded(S.Pending[^1], repair);
    }

    public async Task<Notification?> BeginSendAsync(string key, string attempt, DateTimeOffset leaseUntil)
    {
        var index = S.Pending.FindIndex(p => p.Notification.Key == key && p.Delivery == Delivery.Immediate);
        if (index < 0) return null;
        var pending = S.Pending[index];
        if (NotificationKinds.IsSignIn(pending.Notification.Kind) && pending.Notification.CreatedAt + SignInLifetime <= time.GetUtcNow())
        {
            // A code e-mail that could not go out while its code was valid is useless: dropped, with the code it holds.
            S.Pending.RemoveAt(index);
            Done(key);
            await state.SaveAsync();
            return null;
        }
        // E-mail stopped by a bounce, or the kind turned off since it was recorded: the person no longer wants it.
        if (S.EmailStoppedAt is not null && !NotificationKinds.IsSignIn(pending.Notification.Kind) || TurnedOff(pending.Notification.Kind))
        {
            S.Pending.RemoveAt(index);
            Done(key);
            await state.SaveAsync();
            return null;
        }
        if (pending.Attempt is not null && pending.Attempt != attempt && pending.LeaseUntil > time.GetUtcNow())
            throw new MarketplaceException(Problem.Conflict, $"Notification {key} is being sent by another attempt.") { RetryAfter = pending.LeaseUntil - time.GetUtcNow() };
        S.Pending[index] = pending with { Attempt = attempt, LeaseUntil = leaseUntil };
        await state.SaveAsync();
        return pending.Notification;
    }

    public async Task MarkSentAsync(string key)
    {
        if (S.Pending.RemoveAll(p => p.Notification.Key == key) == 0) return;
        Done(key);
        await state.SaveAsync();
    }

    public Task<IReadOnlyList<Notification>> GetDigestAsync() =>
        Task.FromResult<IReadOnlyList<Notification>>([.. S.Pending.Where(p => p.Delivery == Delivery.Digest && !TurnedOff(p.Notification.Kind)).Select(p => p.Notification)]);

    public async Task<bool> RollUpDigestAsync(Notification? digest, IReadOnlyList<string> itemKeys)
    {
        if (digest is null || !S.DoneKeys.Contains(digest.Key) && !S.Pending.Exists(p => p.Notification.Key == digest.Key))
        {
            var rolled = S.Pending.Where(p => p.Delivery == Delivery.Digest && (itemKeys.Contains(p.Notification.Key) || TurnedOff(p.Notification.Kind))).ToList();
            S.Pending.RemoveAll(rolled.Contains);
            foreach (var item in rolled) Done(item.Notification.Key);
            // Only while its items were still waiting: a run that lost the race to another rolls nothing up and sends nothing.
            var send = digest is not null && rolled.Exists(r => itemKeys.Contains(r.Notification.Key));
            if (send) S.Pending.Add(new PendingNotification(digest!, Delivery.Immediate, null, null));
            if (rolled.Count > 0) await state.SaveAsync();
        }
        return S.Pending.Exists(p => p.Delivery == Delivery.Digest);
    }

    public Task<IReadOnlyList<string>> DigestsToSendAsync() => Task.FromResult<IReadOnlyList<string>>([.. S.Pending
        .Where(p => p.Notification.Kind == NotificationKinds.Digest && (p.Attempt is null || p.LeaseUntil <= time.GetUtcNow()))
        .Select(p => p.Notification.Key)]);

    public async Task EraseAsync()
    {
        if (!state.RecordExists) return;
        await state.ClearStateAsync();
    }

    public Task<AccountNotificationsState> ExportAsync() => Task.FromResult(S);

    private Delivery DeliveryOf(string kind) =>
        NotificationKinds.IsSignIn(kind) ? Delivery.Immediate
        : S.EmailStoppedAt is not null ? Delivery.Off
        : kind is NotificationKinds.Digest ? Delivery.Immediate
        : S.Preferences.GetValueOrDefault(kind, Delivery.Immediate);

    /// <summary>
    /// How a notification waits. A digest item that is the oldest waiting schedules the digest (so does a repair); the item
    /// that makes the digest full sends it at once.
    /// </summary>
    private RecordedNotification Recorded(PendingNotification pending, bool repair = false)
    {
        if (pending.Delivery != Delivery.Digest) return new(pending.Delivery, false);
        var items = Waiting();
        if (!items.Contains(pending)) return new(Delivery.Digest, repair); // its kind was turned off since
        return new(Delivery.Digest, repair || items[0] == pending, items.Count == DigestEarlyAt && items[^1] == pending);
    }

    /// <summary>The digest items waiting, oldest first; those of a kind turned off since wait for nothing (the next roll-up drops them).</summary>
    private List<PendingNotification> Waiting() =>
        [.. S.Pending.Where(p => p.Delivery == Delivery.Digest && !TurnedOff(p.Notification.Kind))];

    private bool TurnedOff(string kind) => NotificationKinds.Choosable.Contains(kind) && S.Preferences.GetValueOrDefault(kind) == Delivery.Off;

    private void Done(string key)
    {
        S.DoneKeys.Add(key);
        if (S.DoneKeys.Count > RememberedKeys) S.DoneKeys.RemoveRange(0, S.DoneKeys.Count - RememberedKeys);
    }

    private NotificationPreferences Preferences() => new(
        NotificationKinds.Choosable.ToDictionary(k => k, k => S.Preferences.GetValueOrDefault(k, Delivery.Immediate)),
        S.EmailStoppedAt, S.EmailStoppedReason);
}
