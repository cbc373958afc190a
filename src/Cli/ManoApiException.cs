using System.Net;

namespace Mano.Cli;

/// <summary>Mano answered with an HTTP error; the message is "&lt;status&gt; &lt;title&gt;: &lt;detail&gt;" from its ProblemDetails.</summary>
public sealed class ManoApiException : Exception
{
    public ManoApiException(HttpStatusCode status, string title, string? detail)
        : base(string.IsNullOrWhiteSpace(detail) ? $"{(int)status} {title}" : $"{(int)status} {title}: {detail}")
    {
        Status = status;
        Title = title;
        Detail = detail;
    }

    public HttpStatusCode Status { get; }

    public string Title { get; }

    public string? Detail { get; }
}
