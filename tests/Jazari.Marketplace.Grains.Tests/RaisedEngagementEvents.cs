using System.Collections.Concurrent;
using Jazari.Marketplace.Grains.Payments;

namespace Jazari.Marketplace.Grains.Tests;

/// <summary>The engagement events grains raised, by need; <see cref="Failing"/> makes the hand-over fail.</summary>
public sealed class RaisedEngagementEvents : IEngagementEvents
{
    private readonly ConcurrentDictionary<string, List<EngagementEvent>> raised = new();

    public bool Failing { get; set; }

    public Task RaiseAsync(string needId, IReadOnlyList<EngagementEvent> events)
    {
        if (Failing) throw new InvalidOperationException("Hand-over failed.");
        var list = raised.GetOrAdd(needId, _ => []);
        lock (list) list.AddRange(events);
        return Task.CompletedTask;
    }

    public IReadOnlyList<EngagementEvent> Of(string needId)
    {
        var list = raised.GetOrAdd(needId, _ => []);
        lock (list) return [.. list];
    }
}

/// <summary>The payout details events grains raised, by profile.</summary>
public sealed class RaisedPayoutDetailsEvents : IPayoutDetailsEvents
{
    private readonly ConcurrentDictionary<string, List<PayoutDetailsEvent>> raised = new();

    public Task RaiseAsync(string profileId, IReadOnlyList<PayoutDetailsEvent> events)
    {
        var list = raised.GetOrAdd(profileId, _ => []);
        lock (list) list.AddRange(events);
        return Task.CompletedTask;
    }

    public IReadOnlyList<PayoutDetailsEvent> Of(string profileId)
    {
        var list = raised.GetOrAdd(profileId, _ => []);
        lock (list) return [.. list];
    }
}

/// <summary>The message notices threads raised (the web tests follow them to the e-mail).</summary>
public sealed class RaisedConversationNotices : Conversations.IConversationNotices
{
    public Task RaiseAsync(string conversationId, IReadOnlyList<string> messageIds) => Task.CompletedTask;
}
