import Foundation

/// What kind of file an attachment is, when its name does not say: from its media type, else from
/// its first bytes. Writes use it to give a name without a usable extension one, since tools
/// (Personio among them) take documents by extension.
public enum FileTypes {
    /// `type/subtype` of a `Content-Type` value, lowercased and without parameters; nil unless it
    /// is a well-formed media type (a header value from a download is not trusted further).
    public static func essence(of contentType: String?) -> String? {
        guard let contentType else { return nil }
        let essence = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        let trimmed = essence.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        let token = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789!#$&^_.+-")
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy(token.contains) })
        else { return nil }
        return trimmed
    }

    /// The usual extension of a media type, for the kinds of documents applications carry.
    public static func fileExtension(forContentType contentType: String?) -> String? {
        essence(of: contentType).flatMap { extensions[$0] }
    }

    /// The extension the first bytes of a file show, for the formats with an unambiguous signature
    /// (an office document is a zip and says nothing more in its first bytes).
    public static func fileExtension(sniffing data: Data) -> String? {
        let head = [UInt8](data.prefix(8))
        for (signature, fileExtension) in signatures where head.starts(with: signature) { return fileExtension }
        return nil
    }

    static let signatures: [([UInt8], String)] = [
        (Array("%PDF-".utf8), "pdf"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "png"),
        ([0xFF, 0xD8, 0xFF], "jpg"),
        (Array("GIF87a".utf8), "gif"),
        (Array("GIF89a".utf8), "gif"),
        (Array("{\\rtf".utf8), "rtf"),
    ]

    static let extensions: [String: String] = [
        "application/pdf": "pdf",
        "application/x-pdf": "pdf",
        "application/msword": "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
        "application/vnd.ms-excel": "xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
        "application/vnd.ms-powerpoint": "ppt",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
        "application/vnd.oasis.opendocument.text": "odt",
        "application/vnd.oasis.opendocument.spreadsheet": "ods",
        "application/rtf": "rtf",
        "text/rtf": "rtf",
        "text/plain": "txt",
        "text/csv": "csv",
        "image/jpeg": "jpg",
        "image/png": "png",
        "image/gif": "gif",
        "image/bmp": "bmp",
        "image/tiff": "tif",
        "application/zip": "zip",
        "application/x-zip-compressed": "zip",
        "application/x-7z-compressed": "7z",
        "application/gzip": "gz",
        "application/x-gzip": "gz",
        "application/vnd.rar": "rar",
        "application/x-rar-compressed": "rar",
        "video/mp4": "mp4",
        "video/3gpp": "3gp",
        "video/quicktime": "mov",
        "video/x-msvideo": "avi",
        "video/x-ms-wmv": "wmv",
    ]
}
