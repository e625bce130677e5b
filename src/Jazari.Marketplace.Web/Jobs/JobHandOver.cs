using System.Threading.Channels;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// Hands grains' events to Hangfire on threads of its own. Hangfire's client does blocking storage I/O (SQLite takes
/// one lock for every write), and run on the thread pool each hand-over held a pool thread that the requests needed:
/// on two cores the pool starved and a bid waited for the bids before it to reach the job storage. Here the
/// hand-overs wait in a queue for one thread (SQLite: its lock lets one write at a time anyway) or a few (PostgreSQL,
/// a round trip each). The events are stored in their grain before they are handed over, so a hand-over the queue
/// cannot take (full, or the host stopping) fails its task and the event stays pending: the grain's next activation
/// and the follow-up sweep raise it again.
/// </summary>
public sealed class JobHandOver : IDisposable
{
    public const int Capacity = 20_000;
    private readonly Channel<(Action Enqueue, TaskCompletionSource Done)> queue =
        Channel.CreateBounded<(Action, TaskCompletionSource)>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait });

    public JobHandOver(int threads)
    {
        for (var i = 0; i < threads; i++)
            new Thread(Run) { IsBackground = true, Name = $"Job hand-over {i + 1}" }.Start();
    }

    /// <summary>Queues <paramref name="enqueue"/>; the task ends when it has run (or failed), never on the caller's thread.</summary>
    public Task RunAsync(Action enqueue)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!queue.Writer.TryWrite((enqueue, done)))
            done.SetException(new InvalidOperationException($"The job hand-over queue is full ({Capacity}) or stopped; the events stay pending."));
        return done.Task;
    }

    private void Run()
    {
        while (queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            while (queue.Reader.TryRead(out var item))
            {
                try
                {
                    item.Enqueue();
                    item.Done.SetResult();
                }
                catch (Exception failure)
                {
                    item.Done.SetException(failure);
                }
            }
    }

    public void Dispose() => queue.Writer.TryComplete();
}
