using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Jazari.Marketplace.Web.Languages;

/// <summary>
/// CLDR's plural rules for whole counts, as the platform's ICU carries them (libicui18n, the library .NET's
/// globalization already runs on; no rule is written here), and the choice of a form among those written in the
/// string files as <c>one:{0} offre|other:{0} offres</c>. Arabic has six forms (zero, one, two, few, many, other),
/// French three (one, many, other), English two; CLDR has no rule for Amazigh (zgh), so ICU gives its root rule: one
/// form (other), and its texts are written without forms.
/// </summary>
public static class Plurals
{
    private static readonly ConcurrentDictionary<string, IntPtr> rules = new();
    private static readonly ConcurrentDictionary<string, IReadOnlyList<string>> categories = new();

    /// <summary>The categories a text with plural forms must write, per language.</summary>
    public static IReadOnlyList<string> CategoriesOf(string language) => categories.GetOrAdd(language, l => Icu.Keywords(RulesOf(l)));

    /// <summary>The CLDR category of a whole number <paramref name="n"/>.</summary>
    public static string Category(string language, long n) => Icu.Select(RulesOf(language), Math.Abs(n));

    /// <summary>True when a text is written as plural forms ("one:…|other:…").</summary>
    public static bool HasForms(string text) => text.StartsWith("one:", StringComparison.Ordinal) || text.StartsWith("zero:", StringComparison.Ordinal);

    /// <summary>The forms of a text by category: "one:{0} offre|other:{0} offres" → one, other.</summary>
    public static IReadOnlyDictionary<string, string> Forms(string text) =>
        text.Split('|').Select(f => f.Split(':', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);

    /// <summary>The form of <paramref name="text"/> for <paramref name="n"/>, "other" when the category is not written.</summary>
    public static string Select(string text, string language, long n)
    {
        if (!HasForms(text)) return text;
        var forms = Forms(text);
        return forms.TryGetValue(Category(language, n), out var form) ? form : forms.GetValueOrDefault("other", text);
    }

    /// <summary>One ICU rule set per language, opened once and kept for the process (ICU's rules are safe to share between threads).</summary>
    private static IntPtr RulesOf(string language) => rules.GetOrAdd(language, Icu.Open);

    /// <summary>ICU's C API for plural rules (uplrules_*), found in the system's libicui18n of whatever version it has.</summary>
    private static class Icu
    {
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr OpenRules([MarshalAs(UnmanagedType.LPStr)] string locale, ref int status);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl, CharSet = CharSet.Unicode)] // the keyword comes back in UTF-16 (UChar)
        private delegate int SelectKeyword(IntPtr rules, double number, [Out] char[] keyword, int capacity, ref int status);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr GetKeywords(IntPtr rules, ref int status);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate IntPtr NextKeyword(IntPtr enumeration, out int length, ref int status);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate void CloseEnumeration(IntPtr enumeration);

        private static readonly Lazy<(OpenRules Open, SelectKeyword Select, GetKeywords Keywords, NextKeyword Next, CloseEnumeration Close)> api = new(Load);

        public static IntPtr Open(string language)
        {
            var status = 0;
            var opened = api.Value.Open(language, ref status);
            return status > 0 || opened == IntPtr.Zero ? throw new InvalidOperationException($"ICU could not open the plural rules of '{language}' (error {status}).") : opened;
        }

        public static string Select(IntPtr rules, long n)
        {
            var status = 0;
            var keyword = new char[16];
            var length = api.Value.Select(rules, n, keyword, keyword.Length, ref status);
            return status > 0 ? throw new InvalidOperationException($"ICU could not choose a plural form (error {status}).") : new string(keyword, 0, length);
        }

        public static IReadOnlyList<string> Keywords(IntPtr rules)
        {
            var status = 0;
            var enumeration = api.Value.Keywords(rules, ref status);
            if (status > 0) throw new InvalidOperationException($"ICU could not list the plural forms (error {status}).");
            try
            {
                var keywords = new List<string>();
                for (var next = api.Value.Next(enumeration, out _, ref status); next != IntPtr.Zero && status <= 0; next = api.Value.Next(enumeration, out _, ref status))
                    keywords.Add(Marshal.PtrToStringAnsi(next)!);
                return keywords;
            }
            finally { api.Value.Close(enumeration); }
        }

        /// <summary>ICU's exports carry its major version (uplrules_open_72) unless it was built without renaming.</summary>
        private static (OpenRules, SelectKeyword, GetKeywords, NextKeyword, CloseEnumeration) Load()
        {
            foreach (var version in Enumerable.Range(50, 50).Reverse())
            {
                if (!NativeLibrary.TryLoad($"libicui18n.so.{version}", out var i18n) || !NativeLibrary.TryLoad($"libicuuc.so.{version}", out var common)) continue;
                foreach (var suffix in new[] { $"_{version}", "" })
                    if (NativeLibrary.TryGetExport(i18n, "uplrules_open" + suffix, out var open))
                        return (Marshal.GetDelegateForFunctionPointer<OpenRules>(open),
                            Marshal.GetDelegateForFunctionPointer<SelectKeyword>(NativeLibrary.GetExport(i18n, "uplrules_select" + suffix)),
                            Marshal.GetDelegateForFunctionPointer<GetKeywords>(NativeLibrary.GetExport(i18n, "uplrules_getKeywords" + suffix)),
                            Marshal.GetDelegateForFunctionPointer<NextKeyword>(NativeLibrary.GetExport(common, "uenum_next" + suffix)),
                            Marshal.GetDelegateForFunctionPointer<CloseEnumeration>(NativeLibrary.GetExport(common, "uenum_close" + suffix)));
            }
            if (NativeLibrary.TryLoad("icu.dll", out var windows)) // Windows 10 1903 and later: one library, no version in the names
                return (Marshal.GetDelegateForFunctionPointer<OpenRules>(NativeLibrary.GetExport(windows, "uplrules_open")),
                    Marshal.GetDelegateForFunctionPointer<SelectKeyword>(NativeLibrary.GetExport(windows, "uplrules_select")),
                    Marshal.GetDelegateForFunctionPointer<GetKeywords>(NativeLibrary.GetExport(windows, "uplrules_getKeywords")),
                    Marshal.GetDelegateForFunctionPointer<NextKeyword>(NativeLibrary.GetExport(windows, "uenum_next")),
                    Marshal.GetDelegateForFunctionPointer<CloseEnumeration>(NativeLibrary.GetExport(windows, "uenum_close")));
            throw new InvalidOperationException("ICU (libicui18n) was not found: install the system's ICU package (Debian: libicu72), as .NET's globalization needs it too.");
        }
    }
}
