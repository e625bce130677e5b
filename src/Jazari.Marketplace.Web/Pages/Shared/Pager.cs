namespace Jazari.Marketplace.Web.Pages.Shared;

/// <summary>What <c>_Pager</c> shows under a list newest first: <c>page=</c> links to newer and older pages of <paramref name="Path"/> (which may carry a query of its own).</summary>
public sealed record Pager(string Path, int Page, bool Older);
