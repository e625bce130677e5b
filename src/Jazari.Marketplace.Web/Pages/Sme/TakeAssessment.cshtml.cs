using Jazari.Marketplace.Web.Maturity;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.AspNetCore.Mvc;

namespace Jazari.Marketplace.Web.Pages.Sme;

/// <summary>The self-assessment form: one group of questions per dimension, each answered by choosing one option
/// (prefilled with the SME's latest answers); sent, it is scored and the SME sees where it stands.</summary>
public sealed class TakeAssessmentModel(IGrainFactory grains, Text text, MaturityCommands maturity) : MarketplacePage(grains, text)
{
    public QuestionnaireResponse Questionnaire { get; private set; } = null!;
    public Dictionary<string, int> Answers { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await ProfileIdAsync() is not { } smeId) return Redirect("/sme/profile?first=true");
        Questionnaire = maturity.QuestionnaireIn(T.Content);
        var latest = (await maturity.ListAsync(Me, smeId, T.Content)).Assessments.FirstOrDefault();
        Answers = latest?.Answers.Where(a => a.QuestionId is not null && a.Value is not null).ToDictionary(a => a.QuestionId!, a => a.Value!.Value) ?? [];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await ProfileIdAsync() is not { } smeId) return Redirect("/sme/profile?first=true");
        Questionnaire = maturity.QuestionnaireIn(T.Content);
        var questions = Questionnaire.Dimensions.SelectMany(d => d.Questions).ToList();
        foreach (var q in questions)
            if (int.TryParse(Request.Form[q.Id].ToString(), out var v)) Answers[q.Id] = v;
        var input = new AssessmentInput
        {
            Answers = [.. questions.Where(q => Answers.ContainsKey(q.Id)).Select(q => new AssessmentAnswerInput { QuestionId = q.Id, Value = Answers[q.Id] })],
        };
        if (await TryAsync(() => maturity.AssessAsync(Me, smeId, input, T.Content))) return Redirect("/sme/assessment?taken=true");
        return Page();
    }

    public string? ErrorOf(string questionId) => ErrorFor($"answers.{questionId}");
}
