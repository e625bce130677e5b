using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Needs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Jazari.Marketplace.Grains.Tests;

/// <summary>
/// Azure Table entities hold about 1 MiB and the Orleans provider fails above that: every state is kept
/// under 256 KiB by design. These tests fill states to their bounds with the largest inputs the API accepts.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StateSizeTests(ClusterFixture fixture)
{
    private const int Bound = 256 * 1024;

    // Arabic letters take two bytes in UTF-8; the API's length limits are in characters. Every text is
    // different, so the serializer cannot share one copy between bids.
    private static string Arabic(int length) =>
        new([.. Enumerable.Range(0, length).Select(_ => (char)Random.Shared.Next(0x0627, 0x064A))]);

    private int Size<T>(T value) => fixture.Silo.Services.GetRequiredService<Serializer>().SerializeToArray(value).Length;

    [Fact]
    public void An_account_with_the_most_tokens_and_consent_changes_and_its_old_lists_of_places_stays_under_the_bound()
    {
        var now = DateTimeOffset.UtcNow;
        var state = new Accounts.AccountState
        {
            Email = new string('a', 254), DisplayName = Arabic(100), Role = Roles.Startup, Language = "ar",
            Tokens = [.. Enumerable.Range(0, Accounts.AccountGrain.MaxTokens).Select(_ => new Accounts.IssuedToken(Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), now))],
            // The lists stored before places became rows held at most 2,000 each: such a state must still load.
            NeedIds = [.. Enumerable.Range(0, 2000).Select(_ => Samples.NewId("need"))],
            CohortIds = [.. Enumerable.Range(0, 2000).Select(_ => Samples.NewId("cohort"))],
            Consents = new Accounts.Consents("2025-01", now, true, now,
                [.. Enumerable.Range(0, Accounts.Terms.MaxHistory).Select(i => new Accounts.ConsentChange("marketing-emails", "2025-01", i % 2 == 0, now, "settings"))]),
        };
        Assert.InRange(Size(state), 1, Bound);
    }

    [Fact]
    public void A_full_shard_of_awaited_transfers_with_the_longest_arabic_titles_stays_under_the_bound()
    {
        var shard = new Payments.AwaitingTransfersShardState
        {
            Transfers = [.. Enumerable.Range(0, Payments.AwaitingTransfersShardGrain.MaxTransfers).Select(i => new Payments.AwaitingTransfer(
                Samples.NewId("pay"), Samples.NewId("need"), i % 10, Arabic(Payments.AwaitingTransfers.TitleLength), Arabic(Payments.AwaitingTransfers.TitleLength),
                Samples.NewId("sme"), 99_999_999_99, "MAD", DateTimeOffset.UtcNow))],
        };
        Assert.InRange(Size(shard), 1, Bound);
    }

    [Fact]
    public void A_full_payout_queue_shard_a_bank_file_and_payout_details_stay_under_the_bound()
    {
        var now = DateTimeOffset.UtcNow;
        var shard = new Payments.PayoutQueueShardState
        {
            Orders = [.. Enumerable.Range(0, Payments.PayoutQueueShardGrain.MaxOrders).Select(i => new Payments.PayoutOrder(
                Payments.PaymentIds.Payout(Payments.PaymentIds.Operation(Samples.NewId("need"), i % 10, "release"), Payments.MoveKind.Release), Samples.NewId("need"), i % 10, Payments.MoveKind.Release,
                "startup", Samples.NewId("startup"), Arabic(200), 99_999_999_99, "MAD", Payments.PayoutStatus.Held, now, null, null,
                [Payments.PayoutHolds.RibChanged, Payments.PayoutHolds.RelatedParty], null))],
        };
        Assert.InRange(Size(shard), 1, Bound);
        var file = new Payments.PayoutFileState
        {
            PayoutIds = [.. Enumerable.Range(0, Payments.PayoutFiles.MaxPayouts).Select(i => Payments.PaymentIds.Payout(Payments.PaymentIds.Operation(Samples.NewId("need"), i % 10, "refund"), Payments.MoveKind.Refund))],
            TotalMinor = long.MaxValue, CreatedAt = now, BankReference = new string('R', 100), PaidAt = now,
        };
        Assert.InRange(Size(file), 1, Bound);
        var details = new Payments.PayoutDetailsState
        {
            OwnerAccountId = Samples.NewId("acc"), Holder = Arabic(140), Rib = "011780000012345678901296", UpdatedAt = now, RibChangedAt = now,
            PendingEvents = [.. Enumerable.Range(0, Payments.PayoutDetailsGrain.MaxPendingEvents)
                .Select(_ => new Payments.PayoutDetailsEvent(Samples.NewId("pde"), Samples.NewId("acc"), "011 *** ************9012 96", "011 *** ************9012 96", now))],
        };
        Assert.InRange(Size(details), 1, Bound);
    }

    [Fact]
    public void A_programme_with_the_most_applications_and_an_sme_with_the_most_operations_stay_under_the_bound()
    {
        var now = DateTimeOffset.UtcNow;
        var list = new Payments.ProgrammeApplicationsState
        {
            Entries = [.. Enumerable.Range(0, Payments.ProgrammeApplicationsGrain.MaxApplications)
                .Select(_ => new Payments.ProgrammeApplicationEntry(Samples.NewId("papp"), Samples.NewId("sme"), Payments.ProgrammeApplicationStatus.Submitted, now))],
        };
        Assert.InRange(Size(list), 1, Bound);
        var checks = Enumerable.Range(0, 5).Select(i => new Payments.EligibilityCheck("region", false, Arabic(200) + string.Join(", ", Reference.Regions))).ToList();
        var sme = new Payments.ProgrammeSmeState
        {
            // The list stored before operations became rows held at most 2,000: such a state must still load.
            Operations = [.. Enumerable.Range(0, 2000).Select(i => new Payments.ProgrammeOperation($"{Samples.NewId("need")}:m{i % 10}:programme-refund", 1_000_000))],
            Application = new Payments.ProgrammeApplication(Samples.NewId("papp"), Samples.NewId("prog"), Samples.NewId("sme"), Arabic(200), Samples.NewId("acc"),
                Arabic(2000), Payments.ProgrammeApplicationStatus.Declined, checks, now, now, Samples.NewId("acc"), Arabic(1000)),
        };
        Assert.InRange(Size(sme), 1, Bound);
    }

    [Fact]
    public async Task A_need_with_the_most_bids_of_the_largest_size_stays_under_the_bound_and_is_stored()
    {
        var owner = Samples.Sme(Samples.NewId("acc"));
        var details = Samples.Need() with { Title = Arabic(200), Description = Arabic(5000), Skills = [.. Enumerable.Range(0, 20).Select(i => Arabic(49) + i)] };
        var need = fixture.Grains.GetGrain<INeedGrain>(Samples.NewId("need"));
        await need.CreateAsync(owner, Samples.NewId("sme"), details);
        await need.PublishAsync(owner);
        for (var i = 0; i < NeedGrain.MaxBids; i++)
        {
            var offer = new BidOffer(10_000_000, 700, Arabic(2000),
                [.. Enumerable.Range(0, 10).Select(_ => new MilestonePlan(Arabic(200), 1_000_000, 70))]);
            await need.SubmitBidAsync(Samples.Startup($"acc-{Guid.NewGuid():N}"), Samples.NewId("st"), Arabic(200), offer);
        }

        var stored = await need.GetAsync(owner);
        Assert.Equal(NeedGrain.MaxBids, stored.Bids.Count);
        var state = new NeedState
        {
            SmeId = stored.SmeId, OwnerAccountId = owner.AccountId, Details = stored.Details, Status = stored.Status,
            CreatedAt = stored.CreatedAt, PublishedAt = stored.PublishedAt, Bids = [.. stored.Bids],
        };
        Assert.InRange(Size(state), 150 * 1024, Bound);
    }

    [Fact]
    public void The_list_a_profile_stored_before_its_needs_became_rows_stays_under_the_bound()
    {
        // The list stored before needs became rows held at most 500: such a state must still load.
        var state = new ProfileNeedsState { NeedIds = [.. Enumerable.Range(0, 500).Select(i => $"need-{i:D5}-" + new string('x', 53))] };
        Assert.InRange(Size(state), 1, Bound);
    }

    [Fact]
    public async Task A_profile_lists_its_needs_newest_first_and_keeps_every_one()
    {
        var list = fixture.Grains.GetGrain<IProfileNeedsGrain>(Samples.NewId("sme"));
        for (var i = 0; i < 503; i++) await list.AddAsync($"need-{i:D4}");
        await list.AddAsync("need-0300"); // already there: moves to the top, not twice
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var listed = await list.ListAsync(1000);
        Assert.Equal(503, listed.Count); // the 500 newest only, before needs were rows
        Assert.Equal(["need-0300", "need-0502", "need-0501"], listed.Take(3));
        Assert.Equal("need-0000", listed[^1]);
        Assert.Single(listed, id => id == "need-0300");
        Assert.Equal(["need-0300", "need-0502"], await list.ListAsync(2));
    }

    [Fact]
    public void A_full_matchmaking_shard_stays_under_the_bound()
    {
        var state = new Matchmaking.MatchmakingState { Members = [.. Enumerable.Range(0, Matchmaking.MatchmakingShard.MaxMembers).Select(i => $"st-{i:D5}-" + new string('x', 55))] };
        Assert.InRange(Size(state), 1, Bound);
    }

    private static string Key(string prefix) => Samples.NewId(prefix);

    [Fact]
    public void A_full_cohort_stays_under_the_bound()
    {
        var now = DateTimeOffset.UtcNow;
        var kpis = new StartupKpis(long.MaxValue, 9999, 9999, long.MaxValue, long.MaxValue, 9999, 9999, 4.99, 9999, 4.99, 99999, long.MaxValue, "2027-12", 500,
            long.MaxValue, long.MaxValue);
        var state = new CohortState
        {
            InstituteId = Key("inst"), Name = Arabic(200), Questions = [.. Enumerable.Range(0, 10).Select(_ => Arabic(500))],
            Rubric = [.. Enumerable.Range(0, 10).Select(i => new RubricCriterion(Arabic(100), 10))],
            Goals = [.. Enumerable.Range(0, 10).Select(i => new GoalTemplate(Arabic(200), Arabic(30), long.MaxValue, new DateOnly(2027, 1, 1)))],
            Applications = [.. Enumerable.Range(0, CohortGrain.MaxApplications).Select(_ =>
                new ApplicationSummary(Key("app"), Key("st"), Arabic(CohortGrain.DisplayNameLength), Key("acc"), ApplicationStatus.Admitted, 4.25, 20, now))],
            Rows = [.. Enumerable.Range(0, CohortGrain.MaxMembers).Select(_ => new CohortRow(Key("st"), Arabic(CohortGrain.DisplayNameLength), kpis, now))],
            Mentors = [.. Enumerable.Range(0, CohortGrain.MaxMentorAssignments).Select(_ => new MentorAssignment(Key("mentor"), Key("st"), now))],
            Trends = [.. Enumerable.Range(0, CohortGrain.MaxTrendMonths).Select(i => new TrendPoint($"20{i:00}-01", 9999, 9999, long.MaxValue, long.MaxValue, 9999, 9999))],
            Told = [.. Enumerable.Range(0, CohortGrain.RememberedTold).Select(_ => $"figures:2027-01:{Key("st")}")],
            Evaluators = [.. Enumerable.Range(0, CohortGrain.MaxEvaluators).Select(_ => Key("acc"))],
            EvaluatorInvitations = [.. Enumerable.Range(0, 2 * CohortGrain.MaxEvaluators).Select(i => new EvaluatorInvitation(Key("cohort"), Arabic(200),
                $"{i}{new string('e', 240)}@example.ma", InvitationStatus.Accepted, now, now, Key("acc")))],
        };
        Assert.InRange(Size(state), 150 * 1024, Bound);
    }

    [Fact]
    public void A_startups_full_activity_goals_and_sessions_stay_under_the_bound()
    {
        var activity = new StartupActivityState
        {
            Counted = [.. Enumerable.Range(0, StartupActivityGrain.RememberedEvents).Select(_ => $"released:{Key("bid")}:10")],
            Months = [.. Enumerable.Range(0, StartupActivityGrain.MaxMonths).Select(i => new MonthActivity($"20{i:00}-01", 9999, 9999, long.MaxValue, long.MaxValue, 9999))],
            Figures = [.. Enumerable.Range(0, StartupActivityGrain.MaxMonths).Select(i => new MonthlyFigures($"20{i:00}-01", long.MaxValue, 99999, long.MaxValue))],
            Cohorts = [.. Enumerable.Range(0, StartupActivityGrain.MaxCohorts).Select(_ => new CohortLink(Key("cohort"), Key("inst")))],
            SmeIds = [.. Enumerable.Range(0, StartupActivityGrain.MaxSmes).Select(_ => Key("sme"))],
        };
        Assert.InRange(Size(activity), 1, Bound);
        var goals = new StartupGoalsState
        {
            Goals = [.. Enumerable.Range(0, StartupGoalsGrain.MaxGoals).Select(_ => new Goal(Key("goal"),
                new GoalTemplate(Arabic(200), Arabic(30), long.MaxValue, new DateOnly(2027, 1, 1)), Key("cohort"),
                [.. Enumerable.Range(0, StartupGoalsGrain.MaxProgress).Select(d => new GoalProgress(new DateOnly(2027, 1, 1).AddDays(d), long.MaxValue))],
                new DateOnly(2027, 6, 30))),
                .. Enumerable.Range(0, StartupGoalsGrain.MaxArchivedGoals).Select(_ => new Goal(Key("goal"),
                new GoalTemplate(Arabic(200), Arabic(30), long.MaxValue, new DateOnly(2027, 1, 1)), Key("cohort"),
                [new GoalProgress(new DateOnly(2027, 1, 1), long.MaxValue)], new DateOnly(2027, 6, 30), Archived: true))],
        };
        Assert.InRange(Size(goals), 1, Bound);
        var sessions = new MentorSessionsState
        {
            Sessions = [.. Enumerable.Range(0, MentorSessionsGrain.KeptSessions).Select(_ => new MentorSession(Key("session"), Key("mentor"),
                new DateOnly(2027, 1, 1), 600, Arabic(1000), Arabic(500), 5, DateTimeOffset.UtcNow))],
        };
        Assert.InRange(Size(sessions), 1, Bound);
    }

    [Fact]
    public void The_reviews_of_a_need_with_the_longest_texts_and_most_reports_stay_under_the_bound()
    {
        var review = (Reviews.ReviewAuthor author) => new Reviews.Review(Samples.NewId("rev"), author, Samples.NewId("acc"), new(5, 5, 5),
            Arabic(Reviews.NeedReviewsGrain.MaxComment), DateTimeOffset.UtcNow, Arabic(Reviews.NeedReviewsGrain.MaxComment), DateTimeOffset.UtcNow,
            Arabic(500), DateTimeOffset.UtcNow, [.. Enumerable.Range(0, Reviews.NeedReviewsGrain.MaxReporters).Select(_ => Samples.NewId("acc"))], true);
        var state = new Reviews.NeedReviewsState
        {
            Engagement = new Engagement(Samples.NewId("need"), Samples.NewId("sme"), Samples.NewId("acc"), Samples.NewId("st"), Samples.NewId("acc"), DateTimeOffset.UtcNow),
            Reviews = [review(Reviews.ReviewAuthor.Sme), review(Reviews.ReviewAuthor.Startup)],
            RevealedAt = DateTimeOffset.UtcNow,
        };
        Assert.InRange(Size(state), 10 * 1024, Bound);
    }

    [Fact]
    public void A_startups_full_review_list_and_the_full_report_queue_stay_under_the_bound()
    {
        var listed = new Reviews.StartupReviewsState
        {
            Reviews = [.. Enumerable.Range(0, Reviews.StartupReviewsGrain.MaxListed).Select(_ => new Reviews.ReviewRef(Samples.NewId("rev"), Samples.NewId("need"), DateTimeOffset.UtcNow))],
        };
        Assert.InRange(Size(listed), 50 * 1024, Bound);
        var reported = new Reviews.ReportedReviewsState
        {
            Reviews = [.. Enumerable.Range(0, Reviews.ReportedReviewsGrain.MaxWaiting).Select(_ => new Reviews.ReportedReview(Samples.NewId("rev"), Samples.NewId("need"), 50, DateTimeOffset.UtcNow))],
        };
        Assert.InRange(Size(reported), 50 * 1024, Bound);
        var track = new Profiles.TrackRecord
        {
            CountedReviewIds = [.. Enumerable.Range(0, Profiles.StartupGrain.RememberedReviews).Select(_ => Samples.NewId("rev"))],
            UncountedReviewIds = [.. Enumerable.Range(0, Profiles.StartupGrain.RememberedReviews).Select(_ => Samples.NewId("rev"))],
            AwardedNeedIds = [.. Enumerable.Range(0, 200).Select(_ => Samples.NewId("need"))],
        };
        Assert.InRange(Size(track), 10 * 1024, Bound);
    }
}
