using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Pages.Support;

namespace Jazari.Marketplace.Web.Pages.Shared;

/// <summary>What <c>_ApplicationForm</c> shows: the application, the call it answers, the reader's scorecard, and the page's errors.</summary>
public sealed record ApplicationForm(CohortView Cohort, ApplicationView Application, Scorecard? Mine, MarketplacePage Page);
