using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Profiles;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>SME, startup and mentor profiles: each account of those roles owns one.</summary>
public static class ProfilesApi
{
    public static void MapProfilesApi(this IEndpointRouteBuilder routes)
    {
        var smes = routes.MapGroup("/api/smes").WithTags("SMEs").RequireAuthorization();
        smes.MapPost("/", (SmeInput body, ClaimsPrincipal user, IGrainFactory grains, HttpContext context, AuditTrail audit) =>
            Create<ISmeGrain, SmeDetails>(grains, user, "sme", body.ToDetails, context, audit)).RequireAuthorization(p => p.RequireRole(Roles.Sme));
        smes.MapGet("/{id:id}", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(SmeResponse.From(await grains.GetGrain<ISmeGrain>(id).GetAsync(user.Caller()))));
        smes.MapPut("/{id:id}", async (string id, SmeInput body, ClaimsPrincipal user, IGrainFactory grains, HttpContext context, AuditTrail audit) =>
        {
            var updated = await grains.GetGrain<ISmeGrain>(id).UpdateAsync(user.Caller(), Valid(body.ToDetails));
            await audit.RecordAsync(context, AuditActions.ProfileUpdated, id);
            return TypedResults.Ok(SmeResponse.From(updated));
        });

        var startups = routes.MapGroup("/api/startups").WithTags("Startups").RequireAuthorization();
        startups.MapPost("/", (StartupInput body, ClaimsPrincipal user, IGrainFactory grains, HttpContext context, AuditTrail audit) =>
            Create<IStartupGrain, StartupDetails>(grains, user, "st", body.ToDetails, context, audit)).RequireAuthorization(p => p.RequireRole(Roles.Startup));
        startups.MapGet("/{id:id}", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
        {
            var startup = grains.GetGrain<IStartupGrain>(id);
            return TypedResults.Ok(StartupResponse.From(await startup.GetAsync(user.Caller()), await startup.GetTrackRecordAsync()));
        });
        startups.MapPut("/{id:id}", async (string id, StartupInput body, ClaimsPrincipal user, IGrainFactory grains, HttpContext context, AuditTrail audit) =>
        {
            var startup = grains.GetGrain<IStartupGrain>(id);
            var updated = await startup.UpdateAsync(user.Caller(), Valid(body.ToDetails));
            await audit.RecordAsync(context, AuditActions.ProfileUpdated, id);
            return TypedResults.Ok(StartupResponse.From(updated, await startup.GetTrackRecordAsync()));
        });

        var mentors = routes.MapGroup("/api/mentors").WithTags("Mentors").RequireAuthorization();
        mentors.MapPost("/", (MentorInput body, ClaimsPrincipal user, IGrainFactory grains, HttpContext context, AuditTrail audit) =>
            Create<IMentorGrain, MentorDetails>(grains, user, "mentor", body.ToDetails, context, audit)).RequireAuthorization(p => p.RequireRole(Roles.Mentor));
        mentors.MapGet("/{id:id}", async (string id, ClaimsPrincipal user, IGrainFactory grains) =>
            TypedResults.Ok(MentorResponse.From(await grains.GetGrain<IMentorGrain>(id).GetAsync(user.Caller()))));
        mentors.MapPut("/{id:id}", async (string id, MentorInput body, ClaimsPrincipal user, IGrainFactory grains, HttpContext context, AuditTrail audit) =>
        {
            var updated = await grains.GetGrain<IMentorGrain>(id).UpdateAsync(user.Caller(), Valid(body.ToDetails));
            await audit.RecordAsync(context, AuditActions.ProfileUpdated, id);
            return TypedResults.Ok(MentorResponse.From(updated));
        });
    }

    private static T Valid<T>(Func<Checks, T> read)
    {
        var c = new Checks();
        var value = read(c);
        c.ThrowIfFailed();
        return value;
    }

    private static async Task<Created<CreatedId>> Create<TGrain, TDetails>(
        IGrainFactory grains, ClaimsPrincipal user, string prefix, Func<Checks, TDetails> read, HttpContext context, AuditTrail audit)
        where TGrain : IProfileGrain<TDetails>
    {
        var id = await CreateProfileAsync<TGrain, TDetails>(grains, user.Caller(), prefix, Valid(read), context, audit);
        var resource = prefix switch { "sme" => "smes", "st" => "startups", _ => "mentors" };
        return TypedResults.Created($"/api/{resource}/{id}", new CreatedId(id));
    }

    /// <summary>Creates the caller's one profile and links it to the account; shared with the pages. Returns its id.</summary>
    internal static async Task<string> CreateProfileAsync<TGrain, TDetails>(IGrainFactory grains, Caller caller, string prefix, TDetails details,
        HttpContext context, AuditTrail audit)
        where TGrain : IProfileGrain<TDetails>
    {
        var account = grains.GetGrain<IAccountGrain>(caller.AccountId);
        if ((await account.GetAsync())?.ProfileId is not null)
            throw MarketplaceException.Conflict("This account already has a profile; update it instead.");
        var id = Ids.New(prefix);
        await grains.GetGrain<TGrain>(id).CreateAsync(caller.AccountId, details);
        await account.LinkProfileAsync(id);
        await audit.RecordAsync(context, AuditActions.ProfileCreated, id);
        return id;
    }
}
