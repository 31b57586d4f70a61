/// The OpenAPI 3.1 description of the service, served at `GET /openapi.json` and checked against
/// the live server by schemathesis (Tests/AutoconfServiceTests/OpenAPITests.swift). Keep it in
/// step with the routes: the test fails when a response leaves the documented shape.
enum OpenAPIDocument {
    static let json = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "autoconf service",
  "version": "1",
  "description": "The resolver as an HTTP service (`autoconf serve`). Lookup documents are exactly the JSON of `autoconf lookup --json` (schemaVersion 1). Errors are `{\"error\": \"...\"}` with a 4xx/5xx status; see docs/service.md."
 },
 "paths": {
  "/v1/lookup": {
   "get": {
    "summary": "Look up an address",
    "operationId": "lookup",
    "parameters": [
     {
      "$ref": "#/components/parameters/Email"
     },
     {
      "$ref": "#/components/parameters/Offline"
     },
     {
      "$ref": "#/components/parameters/Plugins"
     },
     {
      "$ref": "#/components/parameters/Timeout"
     },
     {
      "$ref": "#/components/parameters/Prefer"
     },
     {
      "$ref": "#/components/parameters/Refresh"
     },
     {
      "$ref": "#/components/parameters/RealName"
     },
     {
      "$ref": "#/components/parameters/Imap"
     },
     {
      "$ref": "#/components/parameters/Pop3"
     },
     {
      "$ref": "#/components/parameters/Smtp"
     },
     {
      "$ref": "#/components/parameters/Security"
     },
     {
      "$ref": "#/components/parameters/Username"
     }
    ],
    "responses": {
     "200": {
      "$ref": "#/components/responses/Lookup"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "414": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "post": {
    "summary": "Look up an address (fields as JSON)",
    "operationId": "lookupPost",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/LookupRequest"
       }
      }
     }
    },
    "responses": {
     "200": {
      "$ref": "#/components/responses/Lookup"
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "408": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "414": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/v1/lookup/stream": {
   "get": {
    "summary": "Look up an address as Server-Sent Events",
    "operationId": "lookupStream",
    "parameters": [
     {
      "$ref": "#/components/parameters/Email"
     },
     {
      "$ref": "#/components/parameters/Offline"
     },
     {
      "$ref": "#/components/parameters/Plugins"
     },
     {
      "$ref": "#/components/parameters/Timeout"
     },
     {
      "$ref": "#/components/parameters/Prefer"
     },
     {
      "$ref": "#/components/parameters/Refresh"
     },
     {
      "$ref": "#/components/parameters/RealName"
     },
     {
      "$ref": "#/components/parameters/Imap"
     },
     {
      "$ref": "#/components/parameters/Pop3"
     },
     {
      "$ref": "#/components/parameters/Smtp"
     },
     {
      "$ref": "#/components/parameters/Security"
     },
     {
      "$ref": "#/components/parameters/Username"
     }
    ],
    "description": "Events: `trace` (a plugin's progress: plugin, event, detail, atMs, durationMs), `answer` (a lookup document of the best answer so far; may come more than once), `result` (the final lookup document, always last) or `error` (`{\"error\"}`) instead of `result`.",
    "responses": {
     "200": {
      "description": "The event stream.",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "414": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/v1/verify": {
   "post": {
    "summary": "Look up an address and log in to its servers",
    "operationId": "verify",
    "description": "Only over HTTPS or on a loopback listener (else 403). The password is never logged, echoed or stored. 409 when the answer needs confirming and `accept` is not true.",
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/VerifyRequest"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "The lookup, with `verification` when a login test ran.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/LookupDocument"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "408": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "414": {
      "$ref": "#/components/responses/Error"
     },
     "415": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/v1/batch": {
   "post": {
    "summary": "Look up many addresses",
    "operationId": "batch",
    "description": "One `{\"email\": ...}` object or JSON string a line in; one lookup document (or `{\"line\", \"input\", \"found\": false, \"error\"}`) a line out, in input order, streamed. Lookup options as query parameters apply to every line.",
    "parameters": [
     {
      "$ref": "#/components/parameters/Offline"
     },
     {
      "$ref": "#/components/parameters/Plugins"
     },
     {
      "$ref": "#/components/parameters/Timeout"
     },
     {
      "$ref": "#/components/parameters/Prefer"
     },
     {
      "$ref": "#/components/parameters/Refresh"
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "text/plain": {
       "schema": {
        "type": "string"
       }
      },
      "application/x-ndjson": {
       "schema": {
        "type": "string"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "NDJSON, one line per input line.",
      "content": {
       "application/x-ndjson": {
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "408": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "414": {
      "$ref": "#/components/responses/Error"
     },
     "429": {
      "$ref": "#/components/responses/Error"
     },
     "503": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/healthz": {
   "get": {
    "summary": "Liveness",
    "operationId": "healthz",
    "responses": {
     "200": {
      "description": "Alive.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object",
         "required": [
          "status"
         ],
         "properties": {
          "status": {
           "type": "string"
          }
         }
        }
       }
      }
     }
    }
   }
  },
  "/readyz": {
   "get": {
    "summary": "Readiness",
    "operationId": "readyz",
    "responses": {
     "200": {
      "description": "Ready.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Readiness"
        }
       }
      }
     },
     "503": {
      "description": "Shutting down.",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Readiness"
        }
       }
      }
     }
    }
   }
  },
  "/metrics": {
   "get": {
    "summary": "Prometheus metrics",
    "operationId": "metrics",
    "responses": {
     "200": {
      "description": "Prometheus text format.",
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     }
    }
   }
  },
  "/openapi.json": {
   "get": {
    "summary": "This document",
    "operationId": "openapi",
    "responses": {
     "200": {
      "description": "OpenAPI 3.1.",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  },
  "/": {
   "get": {
    "summary": "The setup page",
    "operationId": "setupPage",
    "responses": {
     "200": {
      "description": "HTML.",
      "content": {
       "text/html": {
        "schema": {
         "type": "string"
        }
       }
      }
     }
    }
   }
  }
 },
 "components": {
  "parameters": {
   "Email": {
    "name": "email",
    "in": "query",
    "required": true,
    "description": "The address to look up.",
    "schema": {
     "type": "string"
    }
   },
   "Offline": {
    "name": "offline",
    "in": "query",
    "description": "Only sources that need no network (provider files).",
    "schema": {
     "type": "boolean"
    }
   },
   "Plugins": {
    "name": "plugins",
    "in": "query",
    "description": "Sources to use, in rank order, comma-separated.",
    "schema": {
     "type": "string"
    }
   },
   "Timeout": {
    "name": "timeout",
    "in": "query",
    "description": "Deadline in seconds, at most the server's --max-timeout.",
    "schema": {
     "type": "number",
     "exclusiveMinimum": 0
    }
   },
   "Prefer": {
    "name": "prefer",
    "in": "query",
    "description": "Preferred incoming protocol.",
    "schema": {
     "type": "string",
     "enum": [
      "imap",
      "pop3"
     ]
    }
   },
   "Refresh": {
    "name": "refresh",
    "in": "query",
    "description": "Ignore a cached answer and look up again.",
    "schema": {
     "type": "boolean"
    }
   },
   "RealName": {
    "name": "realName",
    "in": "query",
    "schema": {
     "type": "string"
    }
   },
   "Imap": {
    "name": "imap",
    "in": "query",
    "description": "Manual IMAP server, host or host:port.",
    "schema": {
     "type": "string"
    }
   },
   "Pop3": {
    "name": "pop3",
    "in": "query",
    "description": "Manual POP3 server, host or host:port.",
    "schema": {
     "type": "string"
    }
   },
   "Smtp": {
    "name": "smtp",
    "in": "query",
    "description": "Manual SMTP server, host or host:port.",
    "schema": {
     "type": "string"
    }
   },
   "Security": {
    "name": "security",
    "in": "query",
    "description": "Security for the manual servers.",
    "schema": {
     "type": "string",
     "enum": [
      "ssl",
      "starttls",
      "plain"
     ]
    }
   },
   "Username": {
    "name": "username",
    "in": "query",
    "description": "Login name for every server.",
    "schema": {
     "type": "string"
    }
   }
  },
  "responses": {
   "Lookup": {
    "description": "The lookup completed (found or not).",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/LookupDocument"
      }
     }
    }
   },
   "Error": {
    "description": "A one-line error.",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   }
  },
  "schemas": {
   "Error": {
    "type": "object",
    "required": [
     "error"
    ],
    "properties": {
     "error": {
      "type": "string"
     }
    }
   },
   "Readiness": {
    "type": "object",
    "required": [
     "status",
     "cache"
    ],
    "properties": {
     "status": {
      "type": "string"
     },
     "cache": {
      "type": "string",
      "enum": [
       "off",
       "memory",
       "postgres",
       "postgres-unavailable"
      ]
     }
    }
   },
   "LookupRequest": {
    "type": "object",
    "required": [
     "email"
    ],
    "properties": {
     "email": {
      "type": "string"
     },
     "offline": {
      "type": "boolean"
     },
     "plugins": {
      "oneOf": [
       {
        "type": "string"
       },
       {
        "type": "array",
        "items": {
         "type": "string"
        }
       }
      ]
     },
     "timeout": {
      "type": "number",
      "exclusiveMinimum": 0
     },
     "prefer": {
      "type": "string",
      "enum": [
       "imap",
       "pop3"
      ]
     },
     "refresh": {
      "type": "boolean"
     },
     "realName": {
      "type": "string"
     },
     "imap": {
      "type": "string"
     },
     "pop3": {
      "type": "string"
     },
     "smtp": {
      "type": "string"
     },
     "security": {
      "type": "string",
      "enum": [
       "ssl",
       "starttls",
       "plain"
      ]
     },
     "username": {
      "type": "string"
     }
    }
   },
   "VerifyRequest": {
    "allOf": [
     {
      "$ref": "#/components/schemas/LookupRequest"
     },
     {
      "type": "object",
      "required": [
       "password"
      ],
      "properties": {
       "password": {
        "type": "string",
        "writeOnly": true
       },
       "accept": {
        "type": "boolean"
       },
       "allowPlaintext": {
        "type": "boolean"
       }
      }
     }
    ]
   },
   "Server": {
    "type": "object",
    "required": [
     "type"
    ],
    "properties": {
     "type": {
      "type": "string"
     },
     "host": {
      "type": [
       "string",
       "null"
      ]
     },
     "port": {
      "type": [
       "integer",
       "null"
      ]
     },
     "url": {
      "type": [
       "string",
       "null"
      ]
     },
     "socket": {
      "type": [
       "string",
       "null"
      ]
     },
     "username": {
      "type": [
       "string",
       "null"
      ]
     },
     "authentication": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "registrableDomain": {
      "type": [
       "string",
       "null"
      ]
     }
    }
   },
   "Trust": {
    "type": "object",
    "required": [
     "level"
    ],
    "properties": {
     "level": {
      "type": "string",
      "enum": [
       "trusted",
       "confirm"
      ]
     },
     "reasons": {
      "type": "array",
      "items": {
       "type": "string"
      }
     }
    }
   },
   "LookupDocument": {
    "type": "object",
    "required": [
     "schemaVersion",
     "email",
     "found",
     "alternatives",
     "plugins",
     "elapsedMs",
     "deadlineReached"
    ],
    "description": "The JSON of `autoconf lookup --json` (README: JSON output). Keys are only added within a schema version.",
    "properties": {
     "schemaVersion": {
      "const": 1
     },
     "email": {
      "type": "string"
     },
     "found": {
      "type": "boolean"
     },
     "incoming": {
      "$ref": "#/components/schemas/Server"
     },
     "outgoing": {
      "$ref": "#/components/schemas/Server"
     },
     "trust": {
      "$ref": "#/components/schemas/Trust"
     },
     "provenance": {
      "type": "object"
     },
     "configuration": {
      "type": "object"
     },
     "alternatives": {
      "type": "array",
      "items": {
       "type": "object"
      }
     },
     "unsupported": {
      "type": "object"
     },
     "error": {
      "type": "string"
     },
     "nonexistentDomain": {
      "type": "string"
     },
     "plugins": {
      "type": "array",
      "items": {
       "type": "object",
       "required": [
        "plugin",
        "status"
       ],
       "properties": {
        "plugin": {
         "type": "string"
        },
        "status": {
         "type": "string"
        }
       }
      }
     },
     "elapsedMs": {
      "type": "number"
     },
     "deadlineReached": {
      "type": "boolean"
     },
     "verification": {
      "type": "object",
      "required": [
       "succeeded",
       "needsOAuth",
       "servers"
      ],
      "properties": {
       "succeeded": {
        "type": "boolean"
       },
       "needsOAuth": {
        "type": "boolean"
       },
       "servers": {
        "type": "array",
        "items": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  }
 }
}
"""#
}
