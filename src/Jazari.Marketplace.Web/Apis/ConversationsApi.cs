using System.Security.Claims;
using Hangfire;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Conversations;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

public class MessageInput
{
    public string? Text { get; init; }
    public IReadOnlyList<string?>? Links { get; init; }
    /// <summary>Optional: the same id again (a retry) returns the message already posted instead of posting twice.</summary>
    public string? ClientMessageId { get; init; }

    public NewMessage ToMessage(Checks c)
    {
        var text = c.Text("text", Text, ConversationRules.MaxText, multiLine: true);
        var links = c.List("links", Links, ConversationRules.MaxLinks, ConversationRules.MaxLink);
        for (var i = 0; i < links.Count; i++)
        {
            if (!Uri.TryCreate(links[i], UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0
                || links[i].Any(char.IsWhiteSpace))
                c.Error($"links[{i}]", "Must be an http or https address.");
        }
        var clientId = c.OptionalText("clientMessageId", ClientMessageId, ConversationRules.MaxClientMessageId);
        return new NewMessage(text, links, clientId);
    }
}

public sealed class OpenConversationInput : MessageInput
{
    /// <summary>The startup the SME writes to; a startup leaves it out (it writes for itself).</summary>
    public string? StartupId { get; init; }
}

public sealed class ReadInput
{
    /// <summary>The seq of the last message read; empty: the newest.</summary>
    public long? UpTo { get; init; }
}

public sealed class ReportInput
{
    public string? Reason { get; init; }
}

public sealed record MessageResponse(string Id, long Seq, string Author, string Text, IReadOnlyList<string> Links, DateTimeOffset SentAt, bool Removed)
{
    public static MessageResponse From(MessageView m) =>
        new(m.Id, m.Seq, m.Author == ConversationSide.Sme ? Roles.Sme : Roles.Startup, m.Text, m.Links, m.SentAt, m.Removed);
}

public sealed record SentResponse(string ConversationId, MessageResponse Message);

public sealed record ReadUpTo(long Sme, long Startup);

public sealed record ConversationResponse(
    string Id, string NeedId, string NeedTitle, string SmeId, string SmeName, string StartupId, string StartupName, DateTimeOffset OpenedAt,
    long LastSeq, int Unread, ReadUpTo ReadUpTo, bool Reported, IReadOnlyList<MessageResponse> Messages, long? Before)
{
    public static ConversationResponse From(ConversationView v) => new(v.Id, v.NeedId, v.NeedTitle, v.SmeId, v.SmeName, v.StartupId, v.StartupName,
        v.OpenedAt, v.LastSeq, v.Unread, new(v.SmeReadUpTo, v.StartupReadUpTo), v.Reported, [.. v.Messages.Select(MessageResponse.From)], v.Before);
}

public sealed record InboxItem(string Id, string NeedId, string NeedTitle, string CounterpartId, string CounterpartName, DateTimeOffset LastMessageAt, long LastSeq, int Unread);

public sealed record InboxResponse(int Page, int PageSize, int Total, int Unread, IReadOnlyList<InboxItem> Conversations);

/// <summary>Conversations between the SME of a need and a startup: a thread per need and startup, read by its two parties.</summary>
public static class ConversationsApi
{
    public const int InboxPageSize = 20;

    public static void MapConversationsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/needs/{id:id}/conversations", Open).WithTags("Conversations")
            .RequireAuthorization(p => p.RequireRole(Roles.Sme, Roles.Startup));

        var api = routes.MapGroup("/api/conversations").WithTags("Conversations").RequireAuthorization();
        api.MapGet("/", Inbox);
        api.MapGet("/{id:id}", Read);
        api.MapPost("/{id:id}/messages", Send);
        api.MapPost("/{id:id}/read", async (string id, ReadInput body, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var c = new Checks();
            if (body.UpTo is < 1) c.Error("upTo", "Must be a message's seq (1 or more).");
            c.ThrowIfFailed();
            return TypedResults.Ok(await grains.GetGrain<IConversationGrain>(id).MarkReadAsync(user.Caller(), body.UpTo));
        });
        api.MapPost("/{id:id}/report", async (string id, ReportInput body, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var c = new Checks();
            var reason = c.Text("reason", body.Reason, ConversationRules.MaxReason, multiLine: true);
            c.ThrowIfFailed();
            return TypedResults.Ok(new Reported(await grains.GetGrain<IConversationGrain>(id).ReportAsync(user.Caller(), reason)));
        });

        var admin = routes.MapGroup("/api/admin/conversations").WithTags("Admin").RequireAuthorization(p => p.RequireRole(Roles.Admin));
        admin.MapGet("/reported", async (IGrainFactory grains) =>
            TypedResults.Ok(await grains.GetGrain<IReportedConversationsGrain>(IReportedConversationsGrain.Key).ListAsync()));
        admin.MapPost("/{id:id}/handled", async (string id, ClaimsPrincipal user, IGrainFactory grains, HttpContext context, AuditTrail audit) =>
        {
            await grains.GetGrain<IConversationGrain>(id).HandleReportsAsync(user.Caller());
            await audit.RecordAsync(context, AuditActions.ConversationReportsHandled, id);
            return TypedResults.NoContent();
        });
    }

    internal static async Task<Results<Created<ConversationResponse>, Ok<ConversationResponse>>> Open(
        string id, OpenConversationInput body, ClaimsPrincipal user, IGrainFactory grains, IBackgroundJobClient jobs)
    {
        var c = new Checks();
        var message = body.ToMessage(c);
        var caller = user.Caller();
        var startupId = caller.Role == Roles.Sme ? c.Id("startupId", body.StartupId) : body.StartupId;
        if (caller.Role == Roles.Startup && startupId is not null) c.Error("startupId", "A startup writes for itself: leave it out.");
        c.ThrowIfFailed();
        startupId ??= await grains.ProfileOfAsync(caller, "startup");
        var thread = grains.GetGrain<IConversationGrain>(ConversationRules.IdFor(id, startupId));
        var sent = await thread.OpenAsync(caller, id, startupId, message);
        Tell(jobs, sent);
        var view = ConversationResponse.From(await thread.GetAsync(caller, null));
        return sent.Opened
            ? TypedResults.Created($"/api/conversations/{sent.ConversationId}", view)
            : TypedResults.Ok(view);
    }

    internal static async Task<Results<Created<SentResponse>, Ok<SentResponse>>> Send(
        string id, MessageInput body, ClaimsPrincipal user, IGrainFactory grains, IBackgroundJobClient jobs)
    {
        var c = new Checks();
        var message = body.ToMessage(c);
        c.ThrowIfFailed();
        var sent = await grains.GetGrain<IConversationGrain>(id).SendAsync(user.Caller(), message);
        Tell(jobs, sent);
        var response = new SentResponse(sent.ConversationId, MessageResponse.From(sent.Message));
        return sent.Posted ? TypedResults.Created($"/api/conversations/{id}", response) : TypedResults.Ok(response);
    }

    /// <summary>The other party hears of the message; a repeated send hands it over again, and the notification's key keeps it to one e-mail.</summary>
    private static void Tell(IBackgroundJobClient jobs, SentMessage sent) =>
        jobs.Enqueue<MessageNoticeJob>(j => j.RunAsync(sent.ConversationId, sent.Message.Id));

    internal static async Task<Ok<ConversationResponse>> Read(string id, long? before, ClaimsPrincipal user, IGrainFactory grains, HttpContext context, AuditTrail audit)
    {
        var c = new Checks();
        if (before is < 1) c.Error("before", "Must be a message's seq (1 or more).");
        c.ThrowIfFailed();
        var caller = user.Caller();
        var view = await grains.GetGrain<IConversationGrain>(id).GetAsync(caller, before);
        // An admin reads a thread only while a report waits; each read of someone else's conversation is recorded.
        if (caller.IsAdmin) await audit.RecordAsync(context, AuditActions.ConversationRead, id, before is null ? "newest" : $"before {before}");
        return TypedResults.Ok(ConversationResponse.From(view));
    }

    internal static async Task<Ok<InboxResponse>> Inbox(int? page, ClaimsPrincipal user, IGrainFactory grains)
    {
        var c = new Checks();
        var pageNumber = c.Whole("page", page ?? 1, 1, ConversationRules.MaxThreads / InboxPageSize);
        c.ThrowIfFailed();
        var caller = user.Caller();
        var inbox = await grains.GetGrain<IConversationInboxGrain>(caller.AccountId).PageAsync((pageNumber - 1) * InboxPageSize, InboxPageSize);
        var summaries = await Task.WhenAll(inbox.Entries.Select(e => grains.GetGrain<IConversationGrain>(e.ConversationId).GetSummaryAsync(caller.AccountId)));
        var items = inbox.Entries.Zip(summaries)
            .Where(pair => pair.Second is not null) // a thread whose opening failed after the inbox took it
            .Select(pair => new InboxItem(pair.First.ConversationId, pair.Second!.NeedId, pair.Second.NeedTitle, pair.Second.CounterpartId,
                pair.Second.CounterpartName, pair.First.LastMessageAt, pair.Second.LastSeq, pair.First.Unread));
        return TypedResults.Ok(new InboxResponse(pageNumber, InboxPageSize, inbox.Total, inbox.Unread, [.. items]));
    }
}
