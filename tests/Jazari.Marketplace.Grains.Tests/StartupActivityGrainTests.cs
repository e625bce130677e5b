using Jazari.Marketplace.Grains.Incubation;

namespace Jazari.Marketplace.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class StartupActivityGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    /// <summary>A cohort of a new institute, and a startup not yet in it.</summary>
    private async Task<(ICohortGrain Cohort, string InstituteId, string StartupId)> CohortAsync(DateOnly startsOn, DateOnly endsOn)
    {
        var instituteId = Samples.NewId("inst");
        await Grains.GetGrain<IInstituteGrain>(instituteId).SaveAsync("Jazari Souss-Massa", "Souss-Massa");
        var cohort = Grains.GetGrain<ICohortGrain>(Samples.NewId("cohort"));
        await cohort.CreateAsync(Samples.Admin, new NewCohort(instituteId, "Cohorte 1", startsOn, endsOn, ["Pourquoi ?"], [], []));
        var startupId = Samples.NewId("st");
        await Grains.GetGrain<Profiles.IStartupGrain>(startupId).ImportAsync(Samples.StartupProfile(), null);
        return (cohort, instituteId, startupId);
    }

    private async Task<(ICohortGrain Cohort, string StartupId)> MemberAsync() => await MemberAsync(new DateOnly(2027, 1, 1), new DateOnly(2027, 6, 30));

    private async Task<(ICohortGrain Cohort, string StartupId)> MemberAsync(DateOnly startsOn, DateOnly endsOn)
    {
        var (cohort, instituteId, startupId) = await CohortAsync(startsOn, endsOn);
        var (invitation, _) = await cohort.InviteAsync(Samples.Admin, startupId);
        await cohort.AnswerInvitationAsync(startupId, invitation.Id, accept: true);
        await Grains.GetGrain<IStartupActivityGrain>(startupId).JoinCohortAsync(cohort.GetPrimaryKeyString(), instituteId);
        return (cohort, startupId);
    }

    [Fact]
    public async Task A_mentor_follows_a_startup_until_a_month_after_its_cohort_ends_and_its_place_is_free_from_the_end()
    {
        var mentoring = Grains.GetGrain<IMentoringGrain>(Samples.NewId("mentor"));
        var today = DateOnly.FromDateTime(fixture.Time.GetUtcNow().UtcDateTime);
        MentoredStartup In(string name, int endsInDays) => new(Samples.NewId("st"), name, Samples.NewId("cohort"), "inst", today.AddDays(endsInDays));
        var (longAgo, lately, running) = (In("Ended long ago", -40), In("Ended lately", -10), In("Running", 100));
        foreach (var startup in new[] { longAgo, lately, running }) await mentoring.AssignAsync(startup, capacity: 1); // ended ones hold no place
        var full = await Assert.ThrowsAsync<MarketplaceException>(() => mentoring.AssignAsync(In("One more", 100), capacity: 1));
        Assert.Equal(Problem.Conflict, full.Problem);
        Assert.False(await mentoring.IsAssignedAsync(longAgo.StartupId)); // its figures and sessions are closed to the mentor
        Assert.True(await mentoring.IsAssignedAsync(lately.StartupId)); // a month to wrap up
        Assert.Equal([lately.StartupId, running.StartupId], (await mentoring.FollowingAsync()).Select(s => s.StartupId));
        Assert.Equal(3, (await mentoring.ListAsync()).Count); // kept: the mentor's export and erasure reach every one

        // The running startup followed in a second cohort too: erased, its name goes from both.
        await mentoring.AssignAsync(running with { CohortId = Samples.NewId("cohort") }, capacity: 2);
        await mentoring.RenameStartupAsync(running.StartupId, "erased-0123456789");
        Assert.All((await mentoring.ListAsync()).Where(s => s.StartupId == running.StartupId), s => Assert.Equal("erased-0123456789", s.Name));
        Assert.Equal(2, (await mentoring.ListAsync()).Count(s => s.StartupId == running.StartupId));
    }

    [Fact]
    public async Task A_cohorts_managers_follow_a_member_until_a_month_after_the_end_and_never_one_that_left()
    {
        // The rule its managers, its mentors and its dashboard share: a month to wrap up after the last day, then no more.
        var end = new DateOnly(2027, 6, 30);
        Assert.True(ICohortGrain.FollowedOn(end, end.AddDays(30)));
        Assert.False(ICohortGrain.FollowedOn(end, end.AddDays(31)));

        var (cohort, startupId) = await MemberAsync();
        Assert.True(await cohort.FollowsAsync(startupId));
        Assert.False(await cohort.FollowsAsync(Samples.NewId("st"))); // never a member
        Assert.NotNull(await cohort.LeaveAsync(startupId));
        Assert.False(await cohort.FollowsAsync(startupId));
        Assert.Empty((await cohort.GetDashboardAsync(Samples.Admin)).Rows);
    }

    [Fact]
    public async Task A_cohorts_managers_follow_a_member_until_the_30th_day_after_its_end_then_its_row_keeps_its_figures()
    {
        // A cohort whose last day is today, joined today; then the clock moves past its end.
        var today = DateOnly.FromDateTime(fixture.Time.GetUtcNow().UtcDateTime);
        var (cohort, startupId) = await MemberAsync(today.AddDays(-60), today);
        static StartupKpis Figures(long version, int bids) => new(version, bids, 1, 5_000_000, 2_000_000, 2, 2, 4.5, 3, 4.0, 4, null, null, 1);
        fixture.Time.Advance(TimeSpan.FromDays(30));
        Assert.True(await cohort.FollowsAsync(startupId)); // the 30th day: still wrapping up
        await cohort.RefreshRowAsync(startupId, Figures(10, 7));
        Assert.Equal(7, (await cohort.GetDashboardAsync(Samples.Admin)).Rows.Single().Kpis.BidsSubmitted);
        fixture.Time.Advance(TimeSpan.FromDays(1));
        Assert.False(await cohort.FollowsAsync(startupId)); // the 31st: no more
        await cohort.RefreshRowAsync(startupId, Figures(11, 9)); // what the startup does next is its own
        Assert.Equal(7, (await cohort.GetDashboardAsync(Samples.Admin)).Rows.Single().Kpis.BidsSubmitted);
    }

    [Fact]
    public async Task An_invitation_is_written_with_its_e_mail_to_follow_up_so_a_crash_after_the_write_loses_nothing()
    {
        var (cohort, _, startupId) = await CohortAsync(new DateOnly(2027, 1, 1), new DateOnly(2027, 6, 30));
        var (invitation, _) = await cohort.InviteAsync(Samples.Admin, startupId);
        var pending = Assert.Single(await cohort.GetPendingEventsAsync());
        Assert.Equal((CohortEventKind.Invited, invitation.Id), (pending.Kind, pending.InvitationId));
        Assert.Contains(fixture.CohortEvents.Of(cohort.GetPrimaryKeyString()), e => e.Id == pending.Id); // handed to its job
        await cohort.InviteAsync(Samples.Admin, startupId); // asked again: the same invitation, no second e-mail
        Assert.Single(await cohort.GetPendingEventsAsync());
    }

    [Fact]
    public async Task An_ended_cohort_takes_no_new_member_and_no_new_mentor()
    {
        // Joining a cohort opens the startup's figures to its managers: not for a programme that is over.
        var (cohort, _, startupId) = await CohortAsync(new DateOnly(2026, 1, 5), new DateOnly(2026, 6, 30));
        var refused = await Assert.ThrowsAsync<MarketplaceException>(() => cohort.InviteAsync(Samples.Admin, startupId));
        Assert.Equal(Problem.Conflict, refused.Problem);
        Assert.Empty(await cohort.InvitationsAsync(Samples.Admin));
    }

    [Fact]
    public async Task An_invitation_carries_its_cohorts_end_after_which_it_is_no_longer_accepted()
    {
        // The startup's page offers to accept only until the cohort's last day (the day after, accepting is refused).
        var today = DateOnly.FromDateTime(fixture.Time.GetUtcNow().UtcDateTime);
        var (cohort, _, startupId) = await CohortAsync(today.AddDays(-30), today.AddDays(1));
        var (invitation, _) = await cohort.InviteAsync(Samples.Admin, startupId);
        Assert.Equal(today.AddDays(1), invitation.EndsOn);
        fixture.Time.Advance(TimeSpan.FromDays(3));
        var late = await Assert.ThrowsAsync<MarketplaceException>(() => cohort.AnswerInvitationAsync(startupId, invitation.Id, accept: true));
        Assert.Equal(Problem.Conflict, late.Problem);
    }

    [Fact]
    public async Task A_session_or_a_rating_sent_again_after_its_figures_were_lost_brings_the_managers_figures_back()
    {
        var startupId = Samples.NewId("st");
        var sessions = Grains.GetGrain<IMentorSessionsGrain>(startupId);
        var activity = Grains.GetGrain<IStartupActivityGrain>(startupId);
        var logged = new MentorSession(Samples.NewId("ses"), "mentor-1", new DateOnly(2027, 2, 1), 60, "Revue", "", null, fixture.Time.GetUtcNow());
        var session = await sessions.LogAsync(logged);
        await activity.MentorSessionsChangedAsync(0, null); // the host died after the session's save, before the figures heard of it
        await sessions.LogAsync(logged); // the mentor's form sent again
        Assert.Equal(1, (await activity.GetAsync()).Kpis.MentorSessions);
        await sessions.RateAsync(session.Id, 4);
        Assert.Equal(4, (await activity.GetAsync()).Kpis.MentorSessionRating);
        await activity.MentorSessionsChangedAsync(1, null); // the host died after the rating's save, before the figures heard of it
        await sessions.RateAsync(session.Id, 4); // the startup sends the same rating again
        Assert.Equal(4, (await activity.GetAsync()).Kpis.MentorSessionRating);
    }

    [Fact]
    public async Task Marketplace_events_count_once_by_their_key_and_reach_the_cohort_row()
    {
        var (cohort, startupId) = await MemberAsync();
        var (need, owner) = await Samples.OpenNeedAsync(Grains);
        var bidId = await need.SubmitBidAsync(Samples.Startup(Samples.NewId("acc")), startupId, "Web Atlas", Samples.Offer(2_000_000));
        await need.AcceptBidAsync(owner, bidId);
        await fixture.Events.FollowedUpAsync(); // the bid's and the award's events count them
        var activity = Grains.GetGrain<IStartupActivityGrain>(startupId);
        var now = fixture.Time.GetUtcNow();
        await activity.BidWonAsync(bidId, "sme-x", 2_000_000, now); // a retried award
        await activity.MilestoneDeliveredAsync($"{bidId}:1", DateOnly.FromDateTime(now.UtcDateTime), now);
        await activity.MilestoneDeliveredAsync($"{bidId}:1", DateOnly.FromDateTime(now.UtcDateTime), now);
        await activity.MilestoneDeliveredAsync($"{bidId}:2", DateOnly.FromDateTime(now.UtcDateTime).AddDays(-1), now);
        await activity.MilestoneReleasedAsync($"{bidId}:1", 1_000_000, now);
        await activity.MilestoneReleasedAsync($"{bidId}:1", 1_000_000, now);

        var row = Assert.Single((await cohort.GetDashboardAsync(Samples.Admin)).Rows).Kpis;
        Assert.Equal((1, 1, 2_000_000L, 1_000_000L, 2, 1, 1), (row.BidsSubmitted, row.BidsWon, row.RevenueContractedMinor,
            row.RevenueReleasedMinor, row.MilestonesDelivered, row.MilestonesOnTime, row.SmesServed));

        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(row, (await activity.GetAsync()).Kpis);
        Assert.Equal(row, Assert.Single((await cohort.GetDashboardAsync(Samples.Admin)).Rows).Kpis);
    }

    [Fact]
    public async Task A_declined_payout_leaves_the_pending_figure_and_one_the_bank_paid_all_the_same_is_paid_out_once()
    {
        var activity = Grains.GetGrain<IStartupActivityGrain>(Samples.NewId("st"));
        var now = fixture.Time.GetUtcNow();
        await activity.PayoutAsync("po-1", 950_000, Payments.PayoutStatus.Held, now);
        await activity.PayoutAsync("po-2", 500_000, Payments.PayoutStatus.Pending, now);
        Assert.Equal(1_450_000, (await activity.GetAsync()).Kpis.PayoutPendingMinor);
        await activity.PayoutAsync("po-1", 950_000, Payments.PayoutStatus.Declined, now); // an admin declined it
        await activity.PayoutAsync("po-1", 950_000, Payments.PayoutStatus.Declined, now); // reported again
        Assert.Equal((500_000L, 0L), ((await activity.GetAsync()).Kpis.PayoutPendingMinor, (await activity.GetAsync()).Kpis.PaidOutMinor));
        await activity.PayoutAsync("po-1", 950_000, Payments.PayoutStatus.Paid, now); // in a bank file the bank paid all the same
        await activity.PayoutAsync("po-2", 500_000, Payments.PayoutStatus.Paid, now);
        Assert.Equal((0L, 1_450_000L), ((await activity.GetAsync()).Kpis.PayoutPendingMinor, (await activity.GetAsync()).Kpis.PaidOutMinor));
    }

    [Fact]
    public async Task A_new_startup_starts_from_zero_after_another_was_reloaded()
    {
        var (_, busy) = await MemberAsync();
        await Grains.GetGrain<IStartupActivityGrain>(busy).BidSubmittedAsync("bid-busy", fixture.Time.GetUtcNow());
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await Grains.GetGrain<IStartupActivityGrain>(busy).GetAsync();
        var fresh = await Grains.GetGrain<IStartupActivityGrain>(Samples.NewId("st")).GetAsync();
        Assert.Equal(0, fresh.Kpis.BidsSubmitted);
    }

    [Fact]
    public async Task An_older_snapshot_never_overwrites_a_newer_row()
    {
        var (cohort, startupId) = await MemberAsync();
        await Grains.GetGrain<IStartupActivityGrain>(startupId).BidSubmittedAsync("bid-late", fixture.Time.GetUtcNow());
        var current = Assert.Single((await cohort.GetDashboardAsync(Samples.Admin)).Rows).Kpis;
        Assert.Equal(1, current.BidsSubmitted);
        await cohort.RefreshRowAsync(startupId, StartupKpis.None with { Version = current.Version - 1 });
        Assert.Equal(1, Assert.Single((await cohort.GetDashboardAsync(Samples.Admin)).Rows).Kpis.BidsSubmitted);
    }

    [Fact]
    public async Task A_manager_of_another_institute_is_told_the_cohort_does_not_exist()
    {
        var (cohort, _) = await MemberAsync();
        var stranger = new Caller(Samples.NewId("acc"), Roles.Manager);
        var refused = await Assert.ThrowsAsync<MarketplaceException>(() => cohort.GetDashboardAsync(stranger));
        Assert.Equal(Problem.NotFound, refused.Problem);
    }

    [Fact]
    public async Task A_goal_with_a_full_history_refuses_a_date_older_than_all_it_keeps_rather_than_dropping_it()
    {
        var goals = Grains.GetGrain<IStartupGoalsGrain>(Samples.NewId("st"));
        await goals.SetAsync("goal-1", new GoalTemplate("Clients", "clients", 60, new DateOnly(2027, 6, 30)));
        var first = new DateOnly(2026, 1, 1);
        for (var d = 0; d < StartupGoalsGrain.MaxProgress; d++) await goals.RecordProgressAsync("goal-1", first.AddDays(d), d);
        var refused = await Assert.ThrowsAsync<MarketplaceException>(() => goals.RecordProgressAsync("goal-1", first.AddDays(-1), 99));
        Assert.Equal(Problem.Invalid, refused.Problem);
        await goals.RecordProgressAsync("goal-1", first, 7); // a date it keeps: corrected
        var kept = (await goals.ListAsync()).Single().Progress;
        Assert.Equal((StartupGoalsGrain.MaxProgress, first, 7L), (kept.Count, kept[0].On, kept[0].Value));
    }
    [Fact]
    public async Task A_startup_past_three_cohorts_joins_a_fourth_the_goals_of_the_earliest_ended_cohort_archived_with_their_last_value()
    {
        var goals = Grains.GetGrain<IStartupGoalsGrain>(Samples.NewId("st"));
        var today = DateOnly.FromDateTime(fixture.Time.GetUtcNow().UtcDateTime);
        GoalTemplate[] Ten(string what) => [.. Enumerable.Range(1, 10).Select(i => new GoalTemplate($"{what} {i}", "clients", 10, today.AddDays(30)))];
        await goals.AddFromCohortAsync("c-ended-first", today.AddDays(-40), Ten("A"));
        await goals.AddFromCohortAsync("c-ended-later", today.AddDays(-5), Ten("B"));
        await goals.AddFromCohortAsync("c-running", today.AddDays(90), Ten("C"));
        await goals.RecordProgressAsync("c-ended-first-g1", today.AddDays(-50), 3);
        await goals.RecordProgressAsync("c-ended-first-g1", today.AddDays(-45), 7);

        await goals.AddFromCohortAsync("c-new", today.AddDays(200), Ten("D"));

        var listed = await goals.ListAsync();
        Assert.Equal(40, listed.Count);
        var archived = listed.Where(g => g.Archived).ToList();
        Assert.Equal(["c-ended-first"], archived.Select(g => g.CohortId).Distinct());
        Assert.Equal(archived, listed.TakeLast(10)); // shown after the goals still worked on
        var first = archived.Single(g => g.Id == "c-ended-first-g1");
        Assert.Equal((7L, 0.7), (Assert.Single(first.Progress).Value, first.Done));
        var refused = await Assert.ThrowsAsync<MarketplaceException>(() => goals.RecordProgressAsync("c-ended-first-g1", today, 9));
        Assert.Equal(Problem.Conflict, refused.Problem);
        await goals.RecordProgressAsync("c-ended-later-g1", today, 4); // an ended cohort's goal not archived still takes progress

        await goals.AddFromCohortAsync("c-next", today.AddDays(300), Ten("E")); // the next ended cohort makes room
        Assert.Equal(20, (await goals.ListAsync()).Count(g => g.Archived));
        var full = await Assert.ThrowsAsync<MarketplaceException>(() => goals.AddFromCohortAsync("c-more", today.AddDays(300), Ten("F")));
        Assert.Equal(Problem.Conflict, full.Problem); // three running cohorts: none has ended, nothing archived
        Assert.Equal(50, (await goals.ListAsync()).Count);
    }
}
