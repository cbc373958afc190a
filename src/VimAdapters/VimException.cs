namespace Mano.VimAdapters;

/// <summary>
/// A VIM call failed. <see cref="Exception.Message"/> names the failing call; <see cref="Transient"/>
/// says whether the same call may succeed if retried (timeouts, 5xx, injected chaos) or not
/// (quota, validation, conflict). Messages never contain secrets.
/// </summary>
public sealed class VimException : Exception
{
    public VimException(string operation, string message, bool transient = false)
        : this(operation, message, transient, null)
    {
    }

    public VimException(string operation, string message, bool transient, Exception? innerException)
        : base($"VIM call '{operation}' failed: {message}", innerException)
    {
        Operation = operation;
        Detail = message;
        Transient = transient;
    }

    /// <summary>The failing call, e.g. "create_port".</summary>
    public string Operation { get; }

    /// <summary>The message without the "VIM call ... failed" prefix.</summary>
    public string Detail { get; }

    public bool Transient { get; }
}
