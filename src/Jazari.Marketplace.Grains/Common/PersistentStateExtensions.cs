using Orleans.Runtime;

namespace Jazari.Marketplace.Grains;

internal static class PersistentStateExtensions
{
    /// <summary>
    /// Writes the state. If the write fails the in-memory state is suspect, so it is re-read from
    /// storage before the failure is passed on; a lost optimistic-concurrency race becomes a conflict
    /// the caller may retry (it will decide again on fresh state).
    /// </summary>
    public static async Task SaveAsync<T>(this IPersistentState<T> state)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception failure)
        {
            await state.ReadStateAsync();
            if (failure is Orleans.Storage.InconsistentStateException)
                throw MarketplaceException.Conflict("The object was changed at the same time by someone else; try again.");
            throw;
        }
    }
}
