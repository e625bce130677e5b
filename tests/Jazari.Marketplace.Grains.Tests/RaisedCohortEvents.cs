using System.Collections.Concurrent;
using Jazari.Marketplace.Grains.Incubation;

namespace Jazari.Marketplace.Grains.Tests;

/// <summary>The cohort events grains raised, by cohort.</summary>
public sealed class RaisedCohortEvents : ICohortEvents
{
    private readonly ConcurrentDictionary<string, List<CohortEvent>> raised = new();

    public Task RaiseAsync(string cohortId, IReadOnlyList<CohortEvent> events)
    {
        var list = raised.GetOrAdd(cohortId, _ => []);
        lock (list) list.AddRange(events);
        return Task.CompletedTask;
    }

    public IReadOnlyList<CohortEvent> Of(string cohortId)
    {
        var list = raised.GetOrAdd(cohortId, _ => []);
        lock (list) return [.. list];
    }
}
