namespace Jazari.Marketplace.Grains.Profiles;

/// <summary>A mentor who follows startups of a cohort.</summary>
public interface IMentorGrain : IProfileGrain<MentorDetails>;

[GenerateSerializer, Alias("jazari.mentor-details")]
public sealed record MentorDetails(
    [property: Id(0)] string Name,
    [property: Id(1)] IReadOnlyList<string> Expertise,
    [property: Id(2)] IReadOnlyList<string> Languages,
    [property: Id(3)] int Capacity);

internal sealed class MentorGrain(
    [PersistentState("mentor", "marketplace")] IPersistentState<ProfileState<MentorDetails>> state,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    IGrainFactory grains) : ProfileGrain<MentorDetails>(state, time), IMentorGrain
{
    protected override string Kind => "Mentor";

    protected override MentorDetails Anonymised(MentorDetails details, string pseudonym) => details with { Name = pseudonym, Capacity = 0 };

    /// <summary>Lists the mentor where cohort managers look for suggestions.</summary>
    protected override Task OnChangedAsync() =>
        grains.GetGrain<Incubation.IMentorDirectoryGrain>(Incubation.IMentorDirectoryGrain.Key).AddAsync(this.GetPrimaryKeyString());
}
