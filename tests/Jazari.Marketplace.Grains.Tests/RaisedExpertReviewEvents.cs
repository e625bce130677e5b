using System.Collections.Concurrent;
using Jazari.Marketplace.Grains.Needs;

namespace Jazari.Marketplace.Grains.Tests;

/// <summary>The expert review events grains raised, by review.</summary>
public sealed class RaisedExpertReviewEvents : IExpertReviewEvents
{
    private readonly ConcurrentDictionary<string, List<ExpertReviewEvent>> raised = new();

    public Task RaiseAsync(string reviewId, IReadOnlyList<ExpertReviewEvent> events)
    {
        var list = raised.GetOrAdd(reviewId, _ => []);
        lock (list) list.AddRange(events);
        return Task.CompletedTask;
    }

    public IReadOnlyList<ExpertReviewEvent> Of(string reviewId)
    {
        var list = raised.GetOrAdd(reviewId, _ => []);
        lock (list) return [.. list];
    }
}
