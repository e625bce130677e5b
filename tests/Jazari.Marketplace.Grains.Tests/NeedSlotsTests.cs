using Jazari.Marketplace.Grains.Needs;

namespace Jazari.Marketplace.Grains.Tests;

/// <summary>The counts of live bids and open needs are reservations taken in the one grain that owns them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class NeedSlotsTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Of_eight_reservations_at_once_with_one_slot_left_one_is_taken_and_an_unconfirmed_one_frees_itself()
    {
        var slots = fixture.Grains.GetGrain<ILiveBidsGrain>($"startup-slots-{Guid.NewGuid():N}");
        Assert.True((await slots.ReserveAsync("need-0", 2)).Reserved);
        await slots.AddAsync("need-0");

        var answers = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => slots.ReserveAsync($"need-{i}", 2)));
        Assert.Single(answers, a => a.Taken);
        Assert.All(answers.Where(a => !a.Taken), a => Assert.Equal(["need-0"], a.Counted));
        var taken = $"need-{Array.FindIndex(answers, a => a.Taken) + 1}";
        Assert.True((await slots.ReserveAsync(taken, 2)).Taken); // the same need again: no second slot

        // Released, the slot is free again; left unconfirmed, it frees itself after the timeout.
        await slots.ReleaseAsync(taken);
        Assert.True((await slots.ReserveAsync("need-9", 2)).Reserved);
        Assert.False((await slots.ReserveAsync("need-10", 2)).Taken);
        fixture.Time.Advance(NeedSlots.ReservationTimeout + TimeSpan.FromSeconds(1));
        Assert.True((await slots.ReserveAsync("need-10", 2)).Reserved);
        await slots.AddAsync("need-10");
        Assert.Equal(["need-0", "need-10"], await slots.ListAsync());

        // A need found no longer live is forgotten, and its slot goes to the next.
        await slots.ForgetAsync(["need-0"]);
        Assert.True((await slots.ReserveAsync("need-11", 2)).Reserved);
    }

    [Fact]
    public async Task A_draft_counted_from_before_is_not_taken_for_an_open_need_when_it_is_published()
    {
        var slots = fixture.Grains.GetGrain<ISmeOpenNeedsGrain>($"sme-slots-{Guid.NewGuid():N}");
        Assert.True((await slots.ReserveAsync("need-a", 1)).Reserved);
        await slots.AddAsync("need-a");
        var refused = await slots.ReserveAsync("need-b", 1);
        Assert.False(refused.Taken);
        Assert.Equal(["need-a"], refused.Counted);
        await slots.ForgetAsync(["need-a"]); // cancelled
        Assert.True((await slots.ReserveAsync("need-b", 1)).Taken);
    }
}
