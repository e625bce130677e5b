using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Jobs;
using Jazari.Marketplace.Web.Payments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>
/// The engagement of an awarded need: funding, delivery, approval and release of each milestone, disputes, and
/// its ledger. Seen by the SME, the awarded startup, admins and the managers of the startup's cohorts; anyone else gets 404.
/// </summary>
public static class EngagementsApi
{
    public const int MaxNote = 2000;
    public const int MaxLinks = 5;
    public const int MaxReason = 1000;

    public static void MapEngagementsApi(this IEndpointRouteBuilder routes)
    {
        var needs = routes.MapGroup("/api/needs/{id:id}").WithTags("Engagements").RequireAuthorization();
        needs.MapGet("/engagement", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(EngagementResponse.From(await VisibleAsync(grains, user.Caller(), id))));
        needs.MapGet("/ledger", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var caller = user.Caller();
            var e = await grains.GetGrain<IEngagementGrain>(id).GetAsync();
            if (!caller.IsAdmin && caller.AccountId != e.SmeAccountId) throw MarketplaceException.NotFound("Engagement");
            return TypedResults.Ok(LedgerResponse.From(e));
        });
        needs.MapPost("/milestones/{index:int}/fund", Fund);
        needs.MapPost("/milestones/{index:int}/deliver", Deliver);
        needs.MapPost("/milestones/{index:int}/approve", Approve);
        needs.MapPost("/milestones/{index:int}/dispute", Dispute);
        needs.MapPost("/engagement/cancel", async (string id, ClaimsPrincipal user, IGrainFactory grains, PaymentMoves moves, PaymentJobs jobs) =>
        {
            await grains.GetGrain<IEngagementGrain>(id).CancelAsync(user.Caller());
            var e = await moves.TrySettleAsync(id);
            jobs.Enqueue(id);
            return TypedResults.Ok(EngagementResponse.From(e));
        });

        routes.MapPost("/api/disputes/{id:id}/resolve", Resolve).WithTags("Engagements").RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Manager));
    }

    internal static async Task<Ok<EngagementResponse>> Approve(string id, int index, ClaimsPrincipal user, IGrainFactory grains, PaymentMoves moves,
        PaymentJobs jobs, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
    {
        var e = await grains.GetGrain<IEngagementGrain>(id).ApproveAsync(user.Caller(), index);
        e = await moves.TrySettleAsync(id);
        jobs.Enqueue(id);
        if (e.Milestone(index + 1) is not null) jobs.ScheduleFundingReminder(id, index + 1, time.GetUtcNow());
        return TypedResults.Ok(EngagementResponse.From(e));
    }

    internal static async Task<Ok<EngagementResponse>> Dispute(string id, int index, DisputeInput body, ClaimsPrincipal user, IGrainFactory grains,
        PaymentJobs jobs, HttpContext context, Audit.AuditTrail audit)
    {
        var c = new Checks();
        var reason = c.Text("reason", body.Reason, MaxReason, minLength: 10, multiLine: true);
        c.ThrowIfFailed();
        var e = await grains.GetGrain<IEngagementGrain>(id).OpenDisputeAsync(user.Caller(), index, reason);
        await audit.RecordAsync(context, Audit.AuditActions.DisputeOpened, e.Milestones[index].Dispute!.Id, $"need {id} milestone {index}");
        jobs.Enqueue(id);
        return TypedResults.Ok(EngagementResponse.From(e));
    }

    internal static async Task<Ok<FundResponse>> Fund(string id, int index, FundInput body, ClaimsPrincipal user, IGrainFactory grains, PaymentMoves moves, PaymentJobs jobs)
    {
        var c = new Checks();
        var method = PaymentNames.ParseMethod(body.Method);
        if (method is null) c.Error("method", "Must be one of: bank-transfer, stripe.");
        c.ThrowIfFailed();
        var rail = moves.Rail(method!.Value); // 409 when Stripe is not configured, before anything is recorded
        var request = await grains.GetGrain<IEngagementGrain>(id).RequestFundingAsync(user.Caller(), index, method.Value);
        jobs.Enqueue(id);
        if (request.Funded)
            return TypedResults.Ok(new FundResponse(request.PaymentId, method.Value.Name(), 0, request.ProgrammeMinor, request.Currency,
                null, "The programme pays the whole milestone: it is funded.", null, true));
        var start = await rail.StartFundingAsync(request, CancellationToken.None);
        return TypedResults.Ok(new FundResponse(request.PaymentId, method.Value.Name(), request.SmeMinor, request.ProgrammeMinor, request.Currency,
            start.Reference, start.Instructions, start.CheckoutUrl, false));
    }

    internal static async Task<Ok<EngagementResponse>> Deliver(string id, int index, DeliverInput body, ClaimsPrincipal user, IGrainFactory grains, PaymentJobs jobs)
    {
        var c = new Checks();
        var note = c.Text("note", body.Note, MaxNote, multiLine: true);
        var links = c.List("links", body.Links, MaxLinks, 300);
        for (var i = 0; i < links.Count; i++)
            if (!Uri.TryCreate(links[i], UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")) c.Error($"links[{i}]", "Must be an http(s) address.");
        c.ThrowIfFailed();
        var e = await grains.GetGrain<IEngagementGrain>(id).DeliverAsync(user.Caller(), index, note, links);
        jobs.ScheduleAutoRelease(id, index, e.Milestones[index].DeliveredAt!.Value);
        jobs.Enqueue(id);
        return TypedResults.Ok(EngagementResponse.From(e));
    }

    internal static async Task<Ok<EngagementResponse>> Resolve(string id, ResolveInput body, ClaimsPrincipal user, IGrainFactory grains, PaymentMoves moves,
        PaymentJobs jobs, HttpContext context, Audit.AuditTrail audit)
    {
        var c = new Checks();
        if (body.ReleaseMinor is null or < 0) c.Error("releaseMinor", "Required, not negative.");
        if (body.RefundMinor is null or < 0) c.Error("refundMinor", "Required, not negative.");
        var note = c.Text("note", body.Note, MaxReason, multiLine: true);
        c.ThrowIfFailed();
        var caller = user.Caller();
        var target = await grains.GetGrain<IPaymentLookupGrain>(id).GetAsync() ?? throw MarketplaceException.NotFound("Dispute");
        var grain = grains.GetGrain<IEngagementGrain>(target.NeedId);
        var manager = !caller.IsAdmin && await IsCohortManagerAsync(grains, caller, (await grain.GetAsync()).StartupId);
        await grain.ResolveDisputeAsync(caller, manager, target.Index, body.ReleaseMinor!.Value, body.RefundMinor!.Value, note);
        await audit.RecordAsync(context, Audit.AuditActions.DisputeResolved, id, $"release {body.ReleaseMinor}; refund {body.RefundMinor}");
        var e = await moves.TrySettleAsync(target.NeedId);
        jobs.Enqueue(target.NeedId);
        return TypedResults.Ok(EngagementResponse.From(e));
    }

    /// <summary>The engagement, if the caller is one of its parties, an admin or a manager of the startup's cohorts; else not found.</summary>
    public static async Task<EngagementState> VisibleAsync(IGrainFactory grains, Caller caller, string needId)
    {
        var e = await grains.GetGrain<IEngagementGrain>(needId).GetAsync();
        if (caller.IsAdmin || caller.AccountId == e.SmeAccountId || caller.AccountId == e.StartupAccountId) return e;
        if (await IsCohortManagerAsync(grains, caller, e.StartupId)) return e;
        throw MarketplaceException.NotFound("Engagement");
    }

    public static async Task<bool> IsCohortManagerAsync(IGrainFactory grains, Caller caller, string startupId)
    {
        if (caller.Role != Roles.Manager) return false;
        var account = await grains.GetGrain<IAccountGrain>(caller.AccountId).GetAsync();
        if (account is null || account.Institutes.Count == 0) return false;
        return (await grains.GetGrain<IStartupActivityGrain>(startupId).GetAsync()).Cohorts.Any(c => account.Institutes.Contains(c.InstituteId));
    }
}
