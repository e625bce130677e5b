using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Grains.Profiles;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Jazari.Marketplace.Grains.Tests;

/// <summary>
/// The lists that were one grain's bounded state (an account's places, the mentor directory, a programme's remembered
/// operations, a profile's needs) go past their old bounds: the entries at the boundaries are still there after a restart, and a state
/// stored before the lists became rows still loads, its entries moved into rows. The crowd is put in place in parallel.
/// </summary>
[Collection(ScaleCollection.Name)]
public sealed class UnboundedListsTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    [Fact]
    public async Task The_2001st_need_and_cohort_of_an_account_are_among_its_places_after_a_restart()
    {
        var accountId = Samples.NewId("acc");
        var account = Grains.GetGrain<IAccountGrain>(accountId);
        await account.CreateAsync(new NewAccount("many@example.ma", Roles.Sme, "Many", "fr", []));
        await InParallelAsync(Enumerable.Range(0, 2000), i => account.TookPartAsync(PartyOf.Need, $"need-crowd-{i:D5}"));
        await InParallelAsync(Enumerable.Range(0, 2000), i => account.TookPartAsync(PartyOf.Cohort, $"cohort-crowd-{i:D5}"));
        var need = Samples.NewId("need");
        var cohort = Samples.NewId("cohort");
        await account.TookPartAsync(PartyOf.Need, need); // refused (409) before places were rows
        await account.TookPartAsync(PartyOf.Cohort, cohort);
        await account.TookPartAsync(PartyOf.Need, need); // a repeat is one place

        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var places = await account.GetPlacesAsync();
        Assert.Equal(2001, places.NeedIds.Count);
        Assert.Equal(2001, places.CohortIds.Count);
        Assert.Contains(need, places.NeedIds);
        Assert.Contains(cohort, places.CohortIds);
    }

    [Fact]
    public async Task An_account_stored_with_its_places_in_its_state_keeps_them_and_takes_more()
    {
        var account = Grains.GetGrain<IAccountGrain>(Samples.NewId("acc"));
        var stored = Enumerable.Range(0, 2000).Select(i => $"need-old-{i:D5}").ToList();
        await StoreAsync(account, "account", new AccountState
        {
            Email = "old@example.ma", Role = Roles.Sme, DisplayName = "Old", Language = "fr", CreatedAt = fixture.Time.GetUtcNow(),
            NeedIds = stored, CohortIds = ["cohort-old"],
        });

        await account.TookPartAsync(PartyOf.Need, "need-new");
        var places = await account.GetPlacesAsync();
        Assert.Equal([.. stored.Append("need-new").Order(StringComparer.Ordinal)], places.NeedIds.Order(StringComparer.Ordinal));
        Assert.Equal(["cohort-old"], places.CohortIds);
        Assert.Equal("Old", (await account.GetAsync())!.DisplayName);
    }

    [Fact]
    public async Task The_3001st_mentor_is_in_the_directory_and_suggested_when_it_fits_best()
    {
        // 3,000 mentors put in place as directory rows (as the directory writes them; activating 3,000 profiles takes
        // minutes on the shared test machine), then real mentors, the 3,001st and later: refused (409) before.
        var directory = Grains.GetGrain<IMentorDirectoryGrain>(IMentorDirectoryGrain.Key);
        var crowd = Samples.NewId("mentor");
        var before = (await directory.ListAsync()).Count;
        await fixture.Silo.Services.GetRequiredService<MentorRows>().PutAsync(IMentorDirectoryGrain.Key,
            Enumerable.Range(0, 3000).Select(i => new MentorLoad($"{crowd}-{i:D5}", i % 3)));
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var best = $"{crowd}-best";
        await Grains.GetGrain<IMentorGrain>(best).CreateAsync(Samples.NewId("acc"), new MentorDetails("Salma Web", ["e-commerce", "WooCommerce"], ["fr", "ar"], 5));
        foreach (var other in new[] { "agriculture", "IoT", "finance" })
            await Grains.GetGrain<IMentorGrain>($"{crowd}-{other.ToLowerInvariant()}").CreateAsync(Samples.NewId("acc"), new MentorDetails("Mentor " + other, [other], ["fr"], 5));

        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var loads = await directory.ListAsync();
        Assert.Equal(before + 3004, loads.Count);
        Assert.Contains(loads, l => l.MentorId == best);
        var real = loads.Where(l => l.MentorId.StartsWith(crowd, StringComparison.Ordinal) && !char.IsDigit(l.MentorId[^1])).ToList();
        var mentors = await Task.WhenAll(real.Select(async l => (l.MentorId, (await Grains.GetGrain<IMentorGrain>(l.MentorId).GetAsync(Caller.Marketplace)).Details, l.Assigned)));
        var suggested = MentorSuggestions.Rank(Samples.StartupProfile(), mentors, 5, "fr");
        Assert.Equal(best, suggested[0].MentorId);
    }

    [Fact]
    public async Task A_directory_stored_as_one_list_keeps_its_mentors_and_loads()
    {
        var directory = Grains.GetGrain<IMentorDirectoryGrain>(Samples.NewId("directory"));
        var stored = Enumerable.Range(0, 3000).Select(i => new MentorLoad($"mentor-old-{i:D5}", i % 4)).ToList();
        await StoreAsync(directory, "mentor-directory", new MentorDirectoryState { Mentors = stored });

        await directory.SetLoadAsync("mentor-old-00001", 3);
        await directory.AddAsync("mentor-new");
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var loads = (await directory.ListAsync()).ToDictionary(l => l.MentorId, l => l.Assigned);
        Assert.Equal(3001, loads.Count);
        Assert.Equal(3, loads["mentor-old-00001"]);
        Assert.Equal(2, loads["mentor-old-00002"]);
        Assert.Equal(0, loads["mentor-new"]);
    }

    [Fact]
    public async Task The_first_of_2002_operations_of_a_programme_and_of_an_sme_repeated_moves_money_once()
    {
        var programmeId = Samples.NewId("prog");
        var programme = Grains.GetGrain<IProgrammeGrain>(programmeId);
        await programme.CreateAsync(new ProgrammeTerms("Maroc PME", 30, 1_000_000_000, 1_000_000_000, "MAD"), ProgrammeRules.None);
        var smeId = Samples.NewId("sme");
        var usage = Grains.GetGrain<IProgrammeSmeGrain>(IProgrammeSmeGrain.KeyOf(programmeId, smeId));
        var application = await usage.ApplyAsync(Samples.NewId("papp"), Samples.NewId("acc"), new SmeDetails("Huilerie", "food", "Meknes", "Fes-Meknes", 22, ["fr"]), null);
        await usage.DecideAsync(Samples.Admin, application.Id, approve: true, "Dossier complet.");

        // The first operation goes through the grains; 2,000 later ones are put in place as rows (as the grains write them),
        // then the 2,002nd goes through the grains: granted (an SME's 2,001st was refused with a 409 before), none forgotten.
        Assert.Equal(100, await usage.ReserveAsync("need-x:m0:programme", 100, 1_000_000_000));
        var rows = fixture.Silo.Services.GetRequiredService<ProgrammeOperationRows>();
        var later = Enumerable.Range(1, 2000).Select(i => new ProgrammeOperation($"need-x:m{i}:programme", 100)).ToList();
        await rows.PutAsync(ProgrammeOperationRows.Partition(programmeId), later);
        await rows.PutAsync(ProgrammeOperationRows.Partition(IProgrammeSmeGrain.KeyOf(programmeId, smeId)), later);
        Assert.Equal(100, await usage.ReserveAsync("need-x:m2001:programme", 100, 1_000_000_000));
        Assert.Equal(200, await usage.GetUsedAsync());
        Assert.Equal(200, (await programme.GetAsync())!.CommittedMinor);

        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(100, await usage.ReserveAsync("need-x:m0:programme", 100, 1_000_000_000)); // the first, 2,001 operations ago
        Assert.Equal(100, await programme.ReserveAsync("need-x:m0:programme", 100));
        Assert.Equal(100, await usage.ReserveAsync("need-x:m1000:programme", 100, 1_000_000_000));
        Assert.Equal(100, await usage.ReserveAsync("need-x:m2001:programme", 100, 1_000_000_000)); // the latest
        Assert.Equal(200, await usage.GetUsedAsync());
        Assert.Equal(200, (await programme.GetAsync())!.CommittedMinor);

        await usage.ReturnAsync("need-x:m0:programme-refund", 100);
        await usage.ReturnAsync("need-x:m0:programme-refund", 100);
        Assert.Equal(100, await usage.GetUsedAsync());
        Assert.Equal(100, (await programme.GetAsync())!.CommittedMinor);
    }

    [Fact]
    public async Task A_programme_and_an_sme_stored_with_their_operations_in_their_state_recognise_every_one()
    {
        var programmeId = Samples.NewId("prog");
        var programme = Grains.GetGrain<IProgrammeGrain>(programmeId);
        var usage = Grains.GetGrain<IProgrammeSmeGrain>(IProgrammeSmeGrain.KeyOf(programmeId, Samples.NewId("sme")));
        var operations = Enumerable.Range(0, 2000).Select(i => new ProgrammeOperation($"need-old:m{i}:programme", 10)).ToList();
        await StoreAsync(programme, "programme", new ProgrammeState
        {
            Terms = new ProgrammeTerms("Maroc PME", 30, 100_000, 1_000_000, "MAD"), Rules = ProgrammeRules.None,
            CommittedMinor = 20_000, CreatedAt = fixture.Time.GetUtcNow(), Recent = operations,
        });
        await StoreAsync(usage, "programme-sme", new ProgrammeSmeState { UsedMinor = 20_000, Operations = operations });

        Assert.Equal(10, await programme.ReserveAsync("need-old:m0:programme", 10));
        Assert.Equal(10, await usage.ReserveAsync("need-old:m1999:programme", 10, 100_000));
        Assert.Equal(20_000, (await programme.GetAsync())!.CommittedMinor);
        Assert.Equal(20_000, await usage.GetUsedAsync());
        Assert.Equal(500, await programme.ReserveAsync("need-new:m0:programme", 500));
        Assert.Equal(20_500, (await programme.GetAsync())!.CommittedMinor);
    }

    [Fact]
    public async Task A_profile_stored_with_its_500_needs_in_its_state_keeps_their_order_and_takes_more()
    {
        var list = Grains.GetGrain<IProfileNeedsGrain>(Samples.NewId("st"));
        var stored = Enumerable.Range(0, 500).Select(i => $"need-old-{499 - i:D4}").ToList(); // newest first
        await StoreAsync(list, "profile-needs", new ProfileNeedsState { NeedIds = stored });

        await list.AddAsync("need-new"); // the 501st: the oldest dropped off before
        await list.AddAsync("need-old-0000"); // the oldest bid again: to the top
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(["need-old-0000", "need-new", .. stored.Where(id => id != "need-old-0000")], await list.ListAsync(1000));
    }

    /// <summary>Writes a grain's state as an older version of the marketplace stored it, before the grain is activated.</summary>
    private async Task StoreAsync<T>(IAddressable grain, string stateName, T state)
    {
        var storage = fixture.Silo.Services.GetRequiredKeyedService<IGrainStorage>("marketplace");
        await storage.WriteStateAsync(stateName, grain.GetGrainId(), new GrainState<T>(state));
    }

    private static async Task InParallelAsync(IEnumerable<int> items, Func<int, Task> action) =>
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) => await action(i));
}
