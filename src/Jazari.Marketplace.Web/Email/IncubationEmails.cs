using System.Net;

namespace Jazari.Marketplace.Web.Email;

/// <summary>What the incubation programme tells people, in Arabic (right to left), French or English.</summary>
public static class IncubationEmails
{
    public const string DecisionKind = "application-decision";
    public const string DigestKind = "cohort-digest";
    public const string FiguresReminderKind = "figures-reminder";
    public const string EvaluatorInvitationKind = "evaluator-invitation";

    public static OutgoingEmail Decision(string to, string displayName, string startupName, string cohortName, bool admitted, string language, DateTimeOffset now)
    {
        var (subject, body) = (language, admitted) switch
        {
            ("ar", true) => ($"تم قبول {startupName} في {cohortName}", $"يسعدنا إخبارك بأن {startupName} قُبلت في الفوج {cohortName}. سيتواصل معك فريق المعهد قريبا."),
            ("ar", false) => ($"طلب {startupName} في {cohortName}", $"شكرا على طلبك. لم يتم اختيار {startupName} للفوج {cohortName} هذه المرة. نتمنى أن نراك في الدعوة القادمة."),
            ("fr", true) => ($"{startupName} est admise dans {cohortName}", $"Nous avons le plaisir de vous annoncer que {startupName} est admise dans la cohorte {cohortName}. L'équipe de l'institut vous contactera bientôt."),
            ("fr", false) => ($"Votre candidature à {cohortName}", $"Merci pour votre candidature. {startupName} n'a pas été retenue pour la cohorte {cohortName} cette fois-ci. Nous espérons vous revoir au prochain appel."),
            (_, true) => ($"{startupName} is admitted to {cohortName}", $"We are glad to tell you that {startupName} is admitted to the cohort {cohortName}. The institute's team will contact you soon."),
            _ => ($"Your application to {cohortName}", $"Thank you for applying. {startupName} was not selected for the cohort {cohortName} this time. We hope to see you at the next call."),
        };
        return Compose(to, displayName, subject, [body], language, DecisionKind, now);
    }

    public static OutgoingEmail Digest(string to, string displayName, string cohortName, IReadOnlyList<string> lines, string language, DateTimeOffset now)
    {
        var subject = language switch
        {
            "ar" => $"ملخص الأسبوع للفوج {cohortName}",
            "fr" => $"La semaine de la cohorte {cohortName}",
            _ => $"The week of the cohort {cohortName}",
        };
        return Compose(to, displayName, subject, lines, language, DigestKind, now);
    }

    public static OutgoingEmail FiguresReminder(string to, string displayName, string startupName, string month, string language, DateTimeOffset now)
    {
        var (subject, body) = language switch
        {
            "ar" => ($"أرقام {startupName} لشهر {month}", $"المرجو إدخال أرقام شهر {month} (رقم المعاملات، عدد المستخدمين، التمويل) في سوق الجزري."),
            "fr" => ($"Les chiffres de {startupName} pour {month}", $"Merci de saisir vos chiffres de {month} (chiffre d'affaires, effectif, fonds levés) sur Jazari Marketplace."),
            _ => ($"{startupName}'s figures for {month}", $"Please enter your figures for {month} (revenue, employees, funding raised) on Jazari Marketplace."),
        };
        return Compose(to, displayName, subject, [body], language, FiguresReminderKind, now);
    }

    public static OutgoingEmail EvaluatorInvitation(string to, string displayName, string cohortName, string cohortId, string language, DateTimeOffset now)
    {
        var (subject, body) = language switch
        {
            "ar" => ($"دعوة لتقييم طلبات {cohortName}", $"تمت دعوتك لتقييم طلبات الترشح للفوج {cohortName} (المعرف {cohortId}). سجّل الدخول بعنوان بريدك الإلكتروني هذا لتطلع على الطلبات وتنقطها حسب المعايير."),
            "fr" => ($"Invitation à évaluer les candidatures de {cohortName}", $"Vous êtes invité(e) à évaluer les candidatures de la cohorte {cohortName} (identifiant {cohortId}). Connectez-vous avec cette adresse e-mail pour lire les candidatures et les noter selon la grille."),
            _ => ($"Invitation to score the applications to {cohortName}", $"You are invited to score the applications to the cohort {cohortName} (id {cohortId}). Sign in with this e-mail address to read the applications and score them on the rubric."),
        };
        return Compose(to, displayName, subject, [body], language, EvaluatorInvitationKind, now);
    }

    private static OutgoingEmail Compose(string to, string displayName, string subject, IReadOnlyList<string> paragraphs, string language, string kind, DateTimeOffset now)
    {
        var greeting = language switch { "ar" => "مرحبا", "fr" => "Bonjour", _ => "Hello" };
        var direction = language == "ar" ? "rtl" : "ltr";
        var text = $"{greeting} {displayName},\n\n{string.Join("\n", paragraphs)}\n";
        var html = $"""
            <!doctype html>
            <html lang="{language}" dir="{direction}"><body style="font-family:sans-serif">
            <p>{greeting} {WebUtility.HtmlEncode(displayName)},</p>
            {string.Concat(paragraphs.Select(p => $"<p>{WebUtility.HtmlEncode(p)}</p>"))}
            </body></html>
            """;
        return new OutgoingEmail(to, subject, text, html, language, kind, now);
    }
}
