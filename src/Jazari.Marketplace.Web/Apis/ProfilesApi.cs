using System.Security.Claims;
using Jazari.Marketplace.Grains;
using Jazari.Marketplace.Web.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jazari.Marketplace.Web.Apis;

/// <summary>SME, startup and mentor profiles: HTTP over <see cref="ProfileCommands"/>.</summary>
public static class ProfilesApi
{
    public static void MapProfilesApi(this IEndpointRouteBuilder routes)
    {
        var smes = routes.MapGroup("/api/smes").WithTags("SMEs").RequireAuthorization();
        smes.MapPost("/", CreateSme).RequireAuthorization(p => p.RequireRole(Roles.Sme));
        smes.MapGet("/{id:id}", GetSme);
        smes.MapPut("/{id:id}", UpdateSme);

        var startups = routes.MapGroup("/api/startups").WithTags("Startups").RequireAuthorization();
        startups.MapPost("/", CreateStartup).RequireAuthorization(p => p.RequireRole(Roles.Startup));
        startups.MapGet("/{id:id}", GetStartup);
        startups.MapPut("/{id:id}", UpdateStartup);

        // Profiles imported with the caller's address: taken over instead of created.
        var listed = routes.MapGroup("/api/me/listed-profiles").WithTags("SMEs", "Startups").RequireAuthorization(p => p.RequireRole(Roles.Sme, Roles.Startup));
        listed.MapGet("/", Listed);
        listed.MapPost("/{id:id}/claim", Claim);

        var mentors = routes.MapGroup("/api/mentors").WithTags("Mentors").RequireAuthorization();
        mentors.MapPost("/", CreateMentor).RequireAuthorization(p => p.RequireRole(Roles.Mentor));
        mentors.MapGet("/{id:id}", GetMentor);
        mentors.MapPut("/{id:id}", UpdateMentor);
    }

    private static async Task<Created<CreatedId>> CreateSme(SmeInput body, ClaimsPrincipal user, ProfileCommands profiles) =>
        Created("smes", await profiles.CreateSmeAsync(user.Caller(), body));

    private static async Task<Ok<List<ListedProfileResponse>>> Listed(ClaimsPrincipal user, ProfileCommands profiles) =>
        TypedResults.Ok(await profiles.ListedAsync(user.Caller()));

    private static async Task<Ok<CreatedId>> Claim(string id, ClaimsPrincipal user, ProfileCommands profiles) =>
        TypedResults.Ok(new CreatedId(await profiles.ClaimAsync(user.Caller(), id)));

    private static async Task<Ok<SmeResponse>> GetSme(string id, ClaimsPrincipal user, ProfileCommands profiles) =>
        TypedResults.Ok(await profiles.GetSmeAsync(user.Caller(), id));

    private static async Task<Ok<SmeResponse>> UpdateSme(string id, SmeInput body, ClaimsPrincipal user, ProfileCommands profiles) =>
        TypedResults.Ok(await profiles.UpdateSmeAsync(user.Caller(), id, body));

    private static async Task<Created<CreatedId>> CreateStartup(StartupInput body, ClaimsPrincipal user, ProfileCommands profiles) =>
        Created("startups", await profiles.CreateStartupAsync(user.Caller(), body));

    private static async Task<Ok<StartupResponse>> GetStartup(string id, ClaimsPrincipal user, ProfileCommands profiles) =>
        TypedResults.Ok(await profiles.GetStartupAsync(user.Caller(), id));

    private static async Task<Ok<StartupResponse>> UpdateStartup(string id, StartupInput body, ClaimsPrincipal user, ProfileCommands profiles) =>
        TypedResults.Ok(await profiles.UpdateStartupAsync(user.Caller(), id, body));

    private static async Task<Created<CreatedId>> CreateMentor(MentorInput body, ClaimsPrincipal user, ProfileCommands profiles) =>
        Created("mentors", await profiles.CreateMentorAsync(user.Caller(), body));

    private static async Task<Ok<MentorResponse>> GetMentor(string id, ClaimsPrincipal user, ProfileCommands profiles) =>
        TypedResults.Ok(await profiles.GetMentorAsync(user.Caller(), id));

    private static async Task<Ok<MentorResponse>> UpdateMentor(string id, MentorInput body, ClaimsPrincipal user, ProfileCommands profiles) =>
        TypedResults.Ok(await profiles.UpdateMentorAsync(user.Caller(), id, body));

    private static Created<CreatedId> Created(string resource, string id) => TypedResults.Created($"/api/{resource}/{id}", new CreatedId(id));
}
