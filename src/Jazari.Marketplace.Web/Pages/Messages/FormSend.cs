using System.Security.Cryptography;
using System.Text;

namespace Jazari.Marketplace.Web.Pages.Messages;

/// <summary>
/// The message id a page form sends: the form's own id (given when the form was shown) with the words it carries. The
/// same form sent twice (a double tap, a retry after a lost answer) posts one message; the form brought back by the
/// browser's Back button and sent with other words posts them as a new message, where the API would refuse a second
/// text under one id.
/// </summary>
internal static class FormSend
{
    public static string? MessageId(string? formId, string? text, IEnumerable<string?> links)
    {
        if (string.IsNullOrEmpty(formId)) return null;
        var words = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', links.Prepend(text ?? ""))));
        return $"{formId}-{Convert.ToHexStringLower(words, 0, 8)}";
    }
}
