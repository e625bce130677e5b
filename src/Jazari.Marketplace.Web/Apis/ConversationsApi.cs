using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Conversations;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>Conversations between the SME of a need and a startup: HTTP over <see cref="ConversationCommands"/>.</summary>
public static class ConversationsApi
{
    public static void MapConversationsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/needs/{id:id}/conversations", Open).WithTags("Conversations")
            .RequireAuthorization(p => p.RequireRole(Roles.Sme, Roles.Startup));

        var api = routes.MapGroup("/api/conversations").WithTags("Conversations").RequireAuthorization();
        api.MapGet("/", Inbox);
        api.MapGet("/{id:id}", Read);
        api.MapPost("/{id:id}/messages", Send);
        api.MapPost("/{id:id}/read", MarkRead);
        api.MapPost("/{id:id}/report", Report);

        var admin = routes.MapGroup("/api/admin/conversations").WithTags("Admin").RequireAuthorization(p => p.RequireRole(Roles.Admin));
        admin.MapGet("/reported", Reported);
        admin.MapPost("/{id:id}/handled", Handled);
    }

    private static async Task<Results<Created<ConversationResponse>, Ok<ConversationResponse>>> Open(
        string id, OpenConversationInput body, ClaimsPrincipal user, ConversationCommands conversations)
    {
        var (view, opened) = await conversations.OpenAsync(user.Caller(), id, body);
        return opened ? TypedResults.Created($"/api/conversations/{view.Id}", view) : TypedResults.Ok(view);
    }

    private static async Task<Results<Created<SentResponse>, Ok<SentResponse>>> Send(
        string id, MessageInput body, ClaimsPrincipal user, ConversationCommands conversations)
    {
        var (sent, posted) = await conversations.SendAsync(user.Caller(), id, body);
        return posted ? TypedResults.Created($"/api/conversations/{id}", sent) : TypedResults.Ok(sent);
    }

    private static async Task<Ok<ConversationResponse>> Read(string id, long? before, ClaimsPrincipal user, ConversationCommands conversations) =>
        TypedResults.Ok(await conversations.ReadAsync(user.Caller(), id, before));

    private static async Task<Ok<InboxResponse>> Inbox(int? page, ClaimsPrincipal user, ConversationCommands conversations) =>
        TypedResults.Ok(await conversations.InboxAsync(user.Caller(), page));

    private static async Task<Ok<ReadReceipt>> MarkRead(string id, ReadInput body, ClaimsPrincipal user, ConversationCommands conversations) =>
        TypedResults.Ok(await conversations.MarkReadAsync(user.Caller(), id, body));

    private static async Task<Ok<Reported>> Report(string id, ReportInput body, ClaimsPrincipal user, ConversationCommands conversations) =>
        TypedResults.Ok(await conversations.ReportAsync(user.Caller(), id, body));

    private static async Task<Ok<IReadOnlyList<ReportedConversation>>> Reported(ClaimsPrincipal user, ConversationCommands conversations) =>
        TypedResults.Ok(await conversations.ReportedAsync(user.Caller()));

    private static async Task<NoContent> Handled(string id, ClaimsPrincipal user, ConversationCommands conversations)
    {
        await conversations.HandleReportsAsync(user.Caller(), id);
        return TypedResults.NoContent();
    }
}
