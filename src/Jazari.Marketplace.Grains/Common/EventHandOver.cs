using Microsoft.Extensions.Logging;

namespace Jazari.Marketplace.Grains;

/// <summary>
/// How a grain hands the events it stored with a change to their follow-up: without waiting (the request is answered
/// after one write) and never failing the caller. An event not handed over stays pending in the grain's state and is
/// raised again on the grain's next activation and by the follow-up sweep; the failure is logged.
/// </summary>
public static class EventHandOver
{
    /// <param name="raise">Hands the events over (the grain's events interface).</param>
    /// <param name="what">The grain in the log, e.g. "Need need-123".</param>
    public static void Start(Func<Task> raise, ILogger logger, string what)
    {
        Task handedOver;
        try
        {
            handedOver = raise();
        }
        catch (Exception failure)
        {
            handedOver = Task.FromException(failure);
        }
        handedOver.ContinueWith(t => logger.LogError(t.Exception, "{Grain}: events not handed over; they stay pending", what),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}
