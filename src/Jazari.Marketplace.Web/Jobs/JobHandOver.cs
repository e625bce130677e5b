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
/// <para>
/// Events of one kind may go as a <see cref="Batch{T}"/>: what waits in the queue when a thread comes for it goes in
/// one job. Under load a job's storage writes (a few inserts and a commit on SQLite) are shared by tens of events instead
/// of paid by each; alone, an event is a job of its own as before.
/// </para>
/// </summary>
public sealed class JobHandOver : IDisposable
{
    public const int Capacity = 20_000;
    /// <summary>At most this many items are taken at once, so a batch job carries at most this many events.</summary>
    public const int MaxBatch = 200;

    private sealed record Item(Action? Enqueue, Batch? Batch, object? Value, TaskCompletionSource Done);

    private readonly Channel<Item> queue =
        Channel.CreateBounded<Item>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait });

    public JobHandOver(int threads)
    {
        for (var i = 0; i < threads; i++)
            new Thread(Run) { IsBackground = true, Name = $"Job hand-over {i + 1}" }.Start();
    }

    /// <summary>Queues <paramref name="enqueue"/>; the task ends when it has run (or failed), never on the caller's thread.</summary>
    public Task RunAsync(Action enqueue) => Write(enqueue, null, null);

    /// <summary>Queues <paramref name="value"/> for <paramref name="batch"/>; the task ends when the job carrying it was enqueued (or failed).</summary>
    public Task RunAsync<T>(Batch<T> batch, T value) => Write(null, batch, value);

    private Task Write(Action? enqueue, Batch? batch, object? value)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!queue.Writer.TryWrite(new Item(enqueue, batch, value, done)))
            done.SetException(new InvalidOperationException($"The job hand-over queue is full ({Capacity}) or stopped; the events stay pending."));
        return done.Task;
    }

    private void Run()
    {
        var taken = new List<Item>(MaxBatch);
        while (queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            taken.Clear();
            while (taken.Count < MaxBatch && queue.Reader.TryRead(out var item)) taken.Add(item);
            foreach (var single in taken.Where(i => i.Batch is null)) Complete([single], single.Enqueue!);
            foreach (var batch in taken.Where(i => i.Batch is not null).GroupBy(i => i.Batch!))
                Complete([.. batch], () => batch.Key.Enqueue([.. batch.Select(i => i.Value)]));
        }
    }

    private static void Complete(List<Item> items, Action enqueue)
    {
        try
        {
            enqueue();
            foreach (var item in items) item.Done.SetResult();
        }
        catch (Exception failure)
        {
            foreach (var item in items) item.Done.SetException(failure);
        }
    }

    public void Dispose() => queue.Writer.TryComplete();

    /// <summary>Values handed over together, in the order they were queued.</summary>
    public abstract class Batch
    {
        internal abstract void Enqueue(List<object?> values);
    }

    /// <summary>One job for what was queued together: <paramref name="enqueueAll"/> enqueues it.</summary>
    public sealed class Batch<T>(Action<T[]> enqueueAll) : Batch
    {
        internal override void Enqueue(List<object?> values) => enqueueAll([.. values.Cast<T>()]);
    }
}
