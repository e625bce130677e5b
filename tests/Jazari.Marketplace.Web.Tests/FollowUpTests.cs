using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>
/// A bid and an accept are answered after one write; everything that follows them (the open-needs list, the matching
/// index, the startup's KPIs and projects, the account's places, the e-mails) happens exactly once, even when the host
/// is killed right after the answer (<see cref="HostProcessFollowUps"/>), and even when a follow-up fails for a while.
/// </summary>
public sealed class FollowUpTests
{
    [Fact]
    public async Task A_follow_up_that_fails_for_a_while_is_retried_until_done_and_the_bid_was_answered_once()
    {
        var failures = new FailingActivity(times: 2);
        var host = new MarketplaceHost();
        host.TestServices.Add(services => services.AddSingleton<Orleans.IIncomingGrainCallFilter>(failures));
        await host.InitializeAsync();
        try
        {
            var (sme, needId) = await Api.OpenNeedAsync(host);
            var (startup, startupId) = await Api.StartupAsync(host, "Tenace");
            var response = await startup.Client.PostAsJsonAsync($"/api/needs/{needId}/bids", Api.Bid());
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);

            await Eventually(async () => (await KpisAsync(startup.Client, startupId)).GetProperty("bidsSubmitted").GetInt32() == 1, TimeSpan.FromMinutes(2));
            Assert.Equal(2, failures.Failed);
            await host.FollowedUpAsync(needId);
            bool Received(JsonElement e) => e.GetProperty("kind").GetString() == "bid-received";
            await Eventually(() => Task.FromResult(OutboxFiles.Emails(host.OutboxDir, sme.Email).Any(Received)));
            await host.JobsSettledAsync();
            Assert.Single(OutboxFiles.Emails(host.OutboxDir, sme.Email), Received);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_need_whose_follow_up_was_lost_is_listed_by_the_sweep_even_when_the_sweep_could_not_reach_it_at_first()
    {
        var lost = new LostHandOvers();
        var refusals = new RefusedRaises(times: 1);
        var host = new MarketplaceHost();
        host.TestServices.Add(services =>
        {
            services.AddSingleton<Grains.Needs.INeedEvents>(provider => lost.Around(ActivatorUtilities.CreateInstance<Jobs.HangfireNeedEvents>(provider)));
            services.AddSingleton<Grains.Conversations.IConversationNotices>(provider => lost.Around(ActivatorUtilities.CreateInstance<Jobs.HangfireConversationNotices>(provider)));
            services.AddSingleton<Orleans.IIncomingGrainCallFilter>(refusals);
        });
        await host.InitializeAsync();
        try
        {
            await host.JobsSettledAsync(); // the start-up sweep, before the need exists
            var sme = await host.SignUpAsync("sme");
            await sme.Client.CreateAsync("/api/smes", Api.Sme());
            var needId = await sme.Client.CreateAsync("/api/needs", Api.Need());
            var (founder, _) = await Api.StartupAsync(host);
            lost.Losing = true; // the host dies right after the publication's write: its follow-up never reaches the jobs
            (await sme.Client.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
            // So does the notice of a message written then.
            await (await founder.Client.PostAsJsonAsync($"/api/needs/{needId}/conversations", new { text = "Bonjour, une question ?" })).Json(HttpStatusCode.Created);
            lost.Losing = false;
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.False(await ListedAsync(sme.Client, needId));
            Assert.DoesNotContain(host.Emails(sme.Email), e => e.GetProperty("kind").GetString() == "message-received");

            host.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<Jobs.FollowUpSweep>(j => j.RunAsync());
            // The sweep's first call to the need is refused (its storage blinked): the sweep runs again seconds later,
            // not at the next hour.
            await Eventually(() => ListedAsync(sme.Client, needId), TimeSpan.FromMinutes(1));
            Assert.Equal(1, refusals.Refused);
            await Eventually(() => Task.FromResult(host.Emails(sme.Email).Any(e => e.GetProperty("kind").GetString() == "message-received")), TimeSpan.FromMinutes(1));
            await host.Services.GetRequiredService<Jobs.FollowUpSweep>().RunAsync(); // once told, a sweep tells nothing more
            await host.JobsSettledAsync();
            Assert.Single(host.Emails(sme.Email), e => e.GetProperty("kind").GetString() == "message-received");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>Drops the need events handed over while <see cref="Losing"/>: what a host killed before the hand-over loses.</summary>
    private sealed class LostHandOvers
    {
        public volatile bool Losing;
        public Grains.Needs.INeedEvents Around(Grains.Needs.INeedEvents inner) => new Dropping(this, inner);
        public Grains.Conversations.IConversationNotices Around(Grains.Conversations.IConversationNotices inner) => new DroppingNotices(this, inner);

        private sealed class DroppingNotices(LostHandOvers owner, Grains.Conversations.IConversationNotices inner) : Grains.Conversations.IConversationNotices
        {
            public Task RaiseAsync(string conversationId, IReadOnlyList<string> messageIds) =>
                owner.Losing ? Task.CompletedTask : inner.RaiseAsync(conversationId, messageIds);
        }

        private sealed class Dropping(LostHandOvers owner, Grains.Needs.INeedEvents inner) : Grains.Needs.INeedEvents
        {
            public Task RaiseAsync(string needId, IReadOnlyList<Grains.Needs.NeedEvent> events) =>
                owner.Losing ? Task.CompletedTask : inner.RaiseAsync(needId, events);
        }
    }

    /// <summary>Refuses the first <c>times</c> requests to raise a need's pending events.</summary>
    private sealed class RefusedRaises(int times) : Orleans.IIncomingGrainCallFilter
    {
        private int calls;
        public int Refused => Math.Min(Volatile.Read(ref calls), times);

        public Task Invoke(Orleans.IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == nameof(Grains.Needs.INeedGrain.RaisePendingEventsAsync) && context.Grain is Grains.Needs.INeedGrain
                && Interlocked.Increment(ref calls) <= times)
                throw new InvalidOperationException("Storage refused the read (test).");
            return context.Invoke();
        }
    }

    /// <summary>The startup's activity refuses the first <c>times</c> bids it is told of, as storage refusing would.</summary>
    private sealed class FailingActivity(int times) : Orleans.IIncomingGrainCallFilter
    {
        private int calls;
        public int Failed => Math.Min(Volatile.Read(ref calls), times);

        public Task Invoke(Orleans.IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == nameof(IStartupActivityGrain.BidSubmittedAsync) && Interlocked.Increment(ref calls) <= times)
                throw new InvalidOperationException("Storage refused the write (test).");
            return context.Invoke();
        }
    }

    internal static async Task<JsonElement> KpisAsync(HttpClient client, string startupId) =>
        (await (await client.GetAsync($"/api/startups/{startupId}/kpis")).Json(HttpStatusCode.OK)).GetProperty("kpis");

    internal static async Task<List<string>> MatchedNeedsAsync(HttpClient client, string startupId) =>
        [.. (await (await client.GetAsync($"/api/startups/{startupId}/matches?top=50")).Json(HttpStatusCode.OK))
            .GetProperty("matches").EnumerateArray().Select(m => m.GetProperty("needId").GetString()!)];

    internal static async Task<bool> ListedAsync(HttpClient client, string needId) =>
        (await (await client.GetAsync("/api/needs?category=ecommerce&region=Fes-Meknes")).Json(HttpStatusCode.OK))
            .GetProperty("needs").EnumerateArray().Any(n => n.Id() == needId);

    internal static async Task<List<string>> ExportedNeedsAsync(HttpClient client) =>
        [.. (await (await client.GetAsync("/api/me/export")).Json(HttpStatusCode.OK)).GetProperty("needs").EnumerateArray()
            .Select(n => n.GetProperty("need").Id())];

    internal static async Task Eventually(Func<Task<bool>> done, TimeSpan? limit = null, Func<Task<string>>? state = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(90));
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The follow-ups did not happen in time." + (state is null ? "" : " " + await state()));
            await Task.Delay(500);
        }
    }
}
