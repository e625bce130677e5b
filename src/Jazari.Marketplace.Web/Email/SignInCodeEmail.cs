using System.Net;

namespace Jazari.Marketplace.Web.Email;

/// <summary>The one-time sign-in code, in Arabic (right to left), French or English.</summary>
public static class SignInCodeEmail
{
    public const string Kind = "sign-in-code";

    public static OutgoingEmail Compose(string to, string displayName, string code, string language, DateTimeOffset now)
    {
        var (subject, greeting, body, footer) = language switch
        {
            "ar" => ("رمز الدخول إلى سوق الجزري", "مرحبا", "رمز الدخول الخاص بك هو", "صالح لمدة 10 دقائق. إذا لم تطلبه، تجاهل هذه الرسالة."),
            "fr" => ("Votre code de connexion Jazari Marketplace", "Bonjour", "Votre code de connexion est", "Valable 10 minutes. Si vous ne l'avez pas demandé, ignorez ce message."),
            _ => ("Your Jazari Marketplace sign-in code", "Hello", "Your sign-in code is", "Valid for 10 minutes. If you did not ask for it, ignore this message."),
        };
        var direction = language == "ar" ? "rtl" : "ltr";
        var name = WebUtility.HtmlEncode(displayName);
        var text = $"{greeting} {displayName},\n\n{body}: {code}\n\n{footer}\n";
        var html = $"""
            <!doctype html>
            <html lang="{language}" dir="{direction}"><body style="font-family:sans-serif">
            <p>{greeting} {name},</p>
            <p>{body}: <strong style="font-size:1.5em;letter-spacing:.2em">{code}</strong></p>
            <p>{footer}</p>
            </body></html>
            """;
        return new OutgoingEmail(to, subject, text, html, language, Kind, now);
    }
}
