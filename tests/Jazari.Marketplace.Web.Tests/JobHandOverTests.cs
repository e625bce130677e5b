using Jazari.Marketplace.Web.Jobs;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>
/// Events queued while the hand-over thread is busy go in one job, in their order; if that job cannot be enqueued,
/// every one of them is told so (their grains keep them pending and raise them again), and none is lost silently.
/// </summary>
public sealed class JobHandOverTests
{
    [Fact]
    public async Task Events_queued_together_go_in_one_job_in_their_order_and_a_refused_job_fails_each_of_them()
    {
        using var handOver = new JobHandOver(threads: 1);
        var jobs = new List<int[]>();
        var refuse = false;
        var batch = new JobHandOver.Batch<int>(values =>
        {
            if (refuse) throw new InvalidOperationException("The job storage refused (test).");
            lock (jobs) jobs.Add(values);
        });
        using var busy = new ManualResetEventSlim();
        var first = handOver.RunAsync(busy.Wait); // holds the thread while the events queue behind it

        var queued = Enumerable.Range(1, 50).Select(i => handOver.RunAsync(batch, i)).ToList();
        busy.Set();
        await first;
        await Task.WhenAll(queued);
        Assert.Equal([Enumerable.Range(1, 50).ToArray()], jobs);

        using var busyAgain = new ManualResetEventSlim();
        var second = handOver.RunAsync(busyAgain.Wait);
        refuse = true;
        var refused = Enumerable.Range(51, 5).Select(i => handOver.RunAsync(batch, i)).ToList();
        busyAgain.Set();
        await second;
        foreach (var task in refused) await Assert.ThrowsAsync<InvalidOperationException>(() => task);
        Assert.Single(jobs);
    }
}
