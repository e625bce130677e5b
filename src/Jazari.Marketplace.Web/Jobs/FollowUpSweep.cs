using Azure.Data.Tables;
using Hangfire;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Web.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// The safety net of the follow-ups: grains store their events with their change and confirm them once the job that
/// carries them out succeeded. An event whose hand-over was lost (a crash right after the write) or whose job gave up
/// is still pending in its grain's state, and that grain's row in the grain-state table was written when the event
/// was. So the sweep reads, in the <c>marketplace</c> table, the rows of each kind written in the last
/// <see cref="LookbackSetting"/> hours (the <c>Timestamp</c> column; no list is kept on the request path) and asks each
/// of those grains to raise its pending events again (a grain with none does nothing; a duplicate hand-over is
/// harmless: the jobs are idempotent). Then overdue needs whose scheduled expiry was lost are expired. An engagement whose
/// events stay pending (a money move failing for days) writes its state again twice a day, so it stays in sight; the look-back
/// must stay above those 12 hours.
/// <para>
/// Needs, engagements, payout details, expert reviews, cohorts and conversations (their messages' notices) store events. Another grain kind joins by adding one entry to <see cref="Kinds"/>: the state
/// name of its <c>[PersistentState]</c> (the row key), its grain type (the part of the partition key between the service
/// id and the grain's key, e.g. <c>engagement</c> for <c>EngagementGrain</c>) and the call that re-raises its events.
/// </para>
/// Runs hourly (<see cref="NotificationSettings.SweepCron"/>) and once when a host starts.
/// </summary>
public sealed class FollowUpSweep(StorageClients storage, IGrainFactory grains, NeedFollowUps needs, ExpertReviewJobs expertReviews, IOptions<ClusterOptions> cluster,
    IConfiguration config, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time, ILogger<FollowUpSweep> log)
{
    public const string LookbackSetting = "FollowUps:SweepLookbackHours";
    public const int DefaultLookbackHours = 24;

    /// <summary>A kind of grain whose state holds events to follow up.</summary>
    public sealed record GrainKind(string StateName, string GrainType, Func<IGrainFactory, string, Task> RaisePendingEventsAsync);

    public static readonly IReadOnlyList<GrainKind> Kinds =
    [
        new("need", "need", (grains, key) => grains.GetGrain<INeedGrain>(key).RaisePendingEventsAsync()),
        new("engagement", "engagement", (grains, key) => grains.GetGrain<Grains.Payments.IEngagementGrain>(key).RaisePendingEventsAsync()),
        new("payout-details", "payoutdetails", (grains, key) => grains.GetGrain<Grains.Payments.IPayoutDetailsGrain>(key).RaisePendingEventsAsync()),
        new("expert-review", "expertreview", (grains, key) => grains.GetGrain<IExpertReviewGrain>(key).RaisePendingEventsAsync()),
        new("cohort", "cohort", (grains, key) => grains.GetGrain<Grains.Incubation.ICohortGrain>(key).RaisePendingEventsAsync()),
        new("conversation", "conversation", (grains, key) => grains.GetGrain<Grains.Conversations.IConversationGrain>(key).RaisePendingEventsAsync()),
    ];

    /// <remarks>
    /// A grain that could not be asked (its storage refused, the host was starting) does not hold back the others, but
    /// fails the run once all were asked: the run is retried soon, not at the next hour, since the grain's follow-up may
    /// have been lost with the host that stored it.
    /// </remarks>
    [Queue(Queues.Default)]
    [AutomaticRetry(Attempts = 4, DelaysInSeconds = new[] { 5, 30, 120, 600 })]
    public async Task RunAsync()
    {
        var since = time.GetUtcNow().AddHours(-config.GetValue(LookbackSetting, DefaultLookbackHours));
        var table = storage.Tables.GetTableClient(OrleansExtensions.StateTable);
        var failed = 0;
        foreach (var kind in Kinds)
        {
            var prefix = $"{cluster.Value.ServiceId}_{kind.GrainType}_";
            var raised = 0;
            var rows = table.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"RowKey eq {kind.StateName} and Timestamp ge {since}"), select: ["PartitionKey"]);
            await foreach (var row in Existing(rows))
            {
                if (!row.PartitionKey.StartsWith(prefix, StringComparison.Ordinal)) continue; // another service in the same table
                var key = row.PartitionKey[prefix.Length..];
                try
                {
                    await kind.RaisePendingEventsAsync(grains, key);
                    raised++;
                }
                catch (Exception failure) // one broken grain must not hold back the others
                {
                    failed++;
                    log.LogError(failure, "Follow-up sweep: {Kind} {Key} failed", kind.GrainType, key);
                }
            }
            log.LogInformation("Follow-up sweep: {Count} {Kind} grains written since {Since} asked to raise their pending events", raised, kind.GrainType, since);
        }
        await needs.ExpireOverdueAsync();
        await expertReviews.TickOpenAsync();
        if (failed > 0) throw new InvalidOperationException($"Follow-up sweep: {failed} grains could not be asked to raise their events; the sweep runs again.");
    }

    /// <summary>The rows; none while the table does not exist yet (a host's first start).</summary>
    private static async IAsyncEnumerable<TableEntity> Existing(Azure.AsyncPageable<TableEntity> rows)
    {
        await using var each = rows.GetAsyncEnumerator();
        while (true)
        {
            try
            {
                if (!await each.MoveNextAsync()) yield break;
            }
            catch (Azure.RequestFailedException missing) when (missing.Status == 404)
            {
                yield break;
            }
            yield return each.Current;
        }
    }
}
