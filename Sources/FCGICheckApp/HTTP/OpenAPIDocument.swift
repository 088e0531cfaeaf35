/// The OpenAPI 3.1 description of the API, served at `GET /openapi.json` (validated by `openapi-spec-validator` in
/// `Tests/Differential/test_api_description.py`).
enum OpenAPIDocument {
    /// The document's bytes.
    static let bytes = Array(text.utf8)

    private static let text = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "fcgi-check",
            "version": "1.0.0",
            "description": "Cluster pre-flight checks. A console POSTs a proposed cluster and gets, for every check item of the policy, the nodes that did not pass. A drop-in replacement for the reference FastAPI service: under the policy setting `compat = \"reference\"` every answer of `POST /` is byte for byte the reference's."
          },
          "paths": {
            "/": {
              "post": {
                "summary": "Check a proposed cluster",
                "operationId": "check_cluster",
                "description": "Runs the policy's check items (or those `checks` names) against the nodes of the members, in the policy's order. A node whose needed fact is unknown is listed, never passed. The fields `level`, `expected`, `actual` and `fix` are absent under `compat = \"reference\"`.",
                "parameters": [
                  {
                    "name": "checks",
                    "in": "query",
                    "required": false,
                    "description": "Comma-separated check item names to run instead of all (the parameter may be repeated); answers stay in policy order. An unknown name, or an empty one, answers 422 listing the known names. Ignored under `compat = \"reference\"`.",
                    "schema": {
                      "type": "string"
                    },
                    "example": "check_os_version,check_swap"
                  },
                  {
                    "name": "Accept-Language",
                    "in": "header",
                    "required": false,
                    "description": "`en` (or `en-US`, `en;q=0.9`, ...) for English messages and descriptions; Chinese otherwise. Ignored under `compat = \"reference\"`.",
                    "schema": {
                      "type": "string"
                    },
                    "example": "en-US,en;q=0.9"
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "$ref": "#/components/schemas/ClusterProposal"
                      },
                      "example": {
                        "name": "c1",
                        "members": [
                          {
                            "node_id": 1,
                            "name": "m1",
                            "host": "172.16.70.101",
                            "port": 5432
                          }
                        ]
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "One entry per check item run, in policy order.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/CheckItemResult"
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "description": "The body is not UTF-8/16/32 text, is nested 958 levels or deeper, or holds an integer of over 4,300 digits.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ErrorDetail"
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "Any path this service does not serve.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ErrorDetail"
                        }
                      }
                    }
                  },
                  "405": {
                    "description": "A method other than POST.",
                    "headers": {
                      "Allow": {
                        "schema": {
                          "type": "string"
                        },
                        "description": "POST"
                      }
                    },
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ErrorDetail"
                        }
                      }
                    }
                  },
                  "413": {
                    "description": "The body is over the size limit (1 MiB by default).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ErrorDetail"
                        }
                      }
                    }
                  },
                  "422": {
                    "description": "The body (or `?checks=`) failed validation, or members name nodes the inventory does not know. Every error is listed.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/HTTPValidationError"
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "The node inventory failed (the cause is logged, not answered).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ErrorDetail"
                        }
                      }
                    }
                  },
                  "504": {
                    "description": "The check run took longer than `--request-timeout` (25 s by default).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ErrorDetail"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/checks": {
              "get": {
                "summary": "List the check items in force",
                "operationId": "list_checks",
                "description": "The policy's check items in answer order, with their descriptions and the thresholds in force (as the policy file names them). Not served under `compat = \"reference\"` (404, as the reference).",
                "parameters": [
                  {
                    "name": "Accept-Language",
                    "in": "header",
                    "required": false,
                    "description": "`en` (or `en-US`, `en;q=0.9`, ...) for English messages and descriptions; Chinese otherwise. Ignored under `compat = \"reference\"`.",
                    "schema": {
                      "type": "string"
                    },
                    "example": "en-US,en;q=0.9"
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The catalogue.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "array",
                          "items": {
                            "$ref": "#/components/schemas/CatalogueEntry"
                          }
                        }
                      }
                    }
                  },
                  "404": {
                    "description": "Under `compat = \"reference\"`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ErrorDetail"
                        }
                      }
                    }
                  },
                  "405": {
                    "description": "A method other than GET.",
                    "headers": {
                      "Allow": {
                        "schema": {
                          "type": "string"
                        },
                        "description": "GET"
                      }
                    },
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ErrorDetail"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/status": {
              "get": {
                "summary": "Service status and metrics",
                "operationId": "status",
                "description": "Uptime, configuration, request counts, threads and workers, read from the scoreboard every worker shares. Served under every policy; the shipped nginx configuration admits only local addresses and GET.",
                "parameters": [
                  {
                    "name": "format",
                    "in": "query",
                    "required": false,
                    "description": "`json` (the default) or `prometheus` (text exposition format 0.0.4, metrics named `fcgi_check_*`).",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "json",
                        "prometheus"
                      ],
                      "default": "json"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The status.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Status"
                        }
                      },
                      "text/plain": {
                        "schema": {
                          "type": "string"
                        },
                        "example": "# TYPE fcgi_check_requests_accepted_total counter\nfcgi_check_requests_accepted_total 42\n"
                      }
                    }
                  },
                  "400": {
                    "description": "An unknown `format`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ErrorDetail"
                        }
                      }
                    }
                  },
                  "403": {
                    "description": "Refused by the shipped nginx configuration: not from a local address, or not GET.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ErrorDetail"
                        }
                      }
                    }
                  },
                  "405": {
                    "description": "A method other than GET (when nginx lets it through).",
                    "headers": {
                      "Allow": {
                        "schema": {
                          "type": "string"
                        },
                        "description": "GET"
                      }
                    },
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ErrorDetail"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/ping": {
              "get": {
                "summary": "Health check",
                "operationId": "ping",
                "description": "Answers `pong` while the service accepts requests; for load balancers and monitoring. Served under every policy.",
                "responses": {
                  "200": {
                    "description": "The service is up.",
                    "content": {
                      "text/plain": {
                        "schema": {
                          "type": "string",
                          "const": "pong"
                        }
                      }
                    }
                  },
                  "405": {
                    "description": "A method other than GET.",
                    "headers": {
                      "Allow": {
                        "schema": {
                          "type": "string"
                        },
                        "description": "GET"
                      }
                    },
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ErrorDetail"
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
                    "description": "The OpenAPI 3.1 description of this API.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object"
                        }
                      }
                    }
                  },
                  "405": {
                    "description": "A method other than GET.",
                    "headers": {
                      "Allow": {
                        "schema": {
                          "type": "string"
                        },
                        "description": "GET"
                      }
                    },
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/ErrorDetail"
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "components": {
            "schemas": {
              "ClusterProposal": {
                "type": "object",
                "title": "Param",
                "required": [
                  "name",
                  "members"
                ],
                "properties": {
                  "name": {
                    "type": "string",
                    "title": "Name"
                  },
                  "members": {
                    "type": "array",
                    "title": "Members",
                    "items": {
                      "$ref": "#/components/schemas/Member"
                    }
                  }
                }
              },
              "Member": {
                "type": "object",
                "title": "Member",
                "required": [
                  "node_id",
                  "name",
                  "host",
                  "port"
                ],
                "description": "Integers are read in pydantic's lax mode: integral floats, booleans and integer strings are accepted too.",
                "properties": {
                  "node_id": {
                    "type": "integer",
                    "title": "Node Id"
                  },
                  "name": {
                    "type": "string",
                    "title": "Name"
                  },
                  "host": {
                    "type": "string",
                    "title": "Host"
                  },
                  "port": {
                    "type": "integer",
                    "title": "Port"
                  }
                }
              },
              "CheckItemResult": {
                "type": "object",
                "required": [
                  "name",
                  "description",
                  "not_success_nodes"
                ],
                "additionalProperties": false,
                "properties": {
                  "name": {
                    "type": "string",
                    "description": "The check item, e.g. `check_os_version`."
                  },
                  "description": {
                    "type": "string",
                    "description": "What it checks, in the request's language."
                  },
                  "not_success_nodes": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/NodeFailure"
                    },
                    "description": "The nodes that did not pass, in order of first appearance among the members."
                  }
                }
              },
              "NodeFailure": {
                "type": "object",
                "required": [
                  "node_id",
                  "message"
                ],
                "additionalProperties": false,
                "properties": {
                  "node_id": {
                    "type": "integer"
                  },
                  "message": {
                    "type": "string",
                    "description": "Names the node's inventory host, in the request's language."
                  },
                  "level": {
                    "type": "string",
                    "enum": [
                      "fail",
                      "warn"
                    ],
                    "description": "`warn`: meets the requirement but not the recommendation. Absent under `compat = \"reference\"`."
                  },
                  "expected": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "What the check wanted, e.g. `>= 7.2`."
                  },
                  "actual": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "What the node has; null when the fact is unknown."
                  },
                  "fix": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "description": "A command an operator can run to fix it, where one exists."
                  }
                }
              },
              "CatalogueEntry": {
                "type": "object",
                "required": [
                  "name",
                  "description",
                  "thresholds"
                ],
                "additionalProperties": false,
                "properties": {
                  "name": {
                    "type": "string"
                  },
                  "description": {
                    "type": "string"
                  },
                  "thresholds": {
                    "type": "object",
                    "description": "Policy key to value in force.",
                    "additionalProperties": true
                  }
                }
              },
              "HTTPValidationError": {
                "type": "object",
                "required": [
                  "detail"
                ],
                "title": "HTTPValidationError",
                "properties": {
                  "detail": {
                    "type": "array",
                    "items": {
                      "$ref": "#/components/schemas/ValidationError"
                    }
                  }
                }
              },
              "ValidationError": {
                "type": "object",
                "required": [
                  "type",
                  "loc",
                  "msg",
                  "input"
                ],
                "title": "ValidationError",
                "properties": {
                  "type": {
                    "type": "string",
                    "description": "pydantic's error type (`missing`, `int_parsing`, ...), `json_invalid`, `node_not_found` or `unknown_check`."
                  },
                  "loc": {
                    "type": "array",
                    "items": {
                      "anyOf": [
                        {
                          "type": "string"
                        },
                        {
                          "type": "integer"
                        }
                      ]
                    }
                  },
                  "msg": {
                    "type": "string"
                  },
                  "input": {
                    "description": "The offending input as received."
                  },
                  "ctx": {
                    "type": "object",
                    "description": "Context: `error` for `json_invalid`, `known` (the known check names) for `unknown_check`."
                  }
                }
              },
              "ErrorDetail": {
                "type": "object",
                "required": [
                  "detail"
                ],
                "properties": {
                  "detail": {
                    "type": "string"
                  }
                }
              },
              "Status": {
                "type": "object",
                "title": "Status",
                "required": [
                  "uptime_seconds",
                  "pid",
                  "workers_configured",
                  "threads_per_worker",
                  "max_threads",
                  "max_requests",
                  "request_timeout_seconds",
                  "accepted_requests",
                  "active_threads",
                  "idle_threads",
                  "saturated",
                  "slow_requests",
                  "timed_out_requests",
                  "worker_restarts",
                  "worker_quick_deaths",
                  "reloads",
                  "responses",
                  "request_duration_seconds",
                  "bytes_received",
                  "bytes_sent",
                  "workers"
                ],
                "properties": {
                  "uptime_seconds": {
                    "type": "number"
                  },
                  "pid": {
                    "type": "integer",
                    "description": "The supervisor's (or the single process's)."
                  },
                  "workers_configured": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "threads_per_worker": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "max_threads": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "max_requests": {
                    "type": [
                      "integer",
                      "null"
                    ]
                  },
                  "request_timeout_seconds": {
                    "type": "number"
                  },
                  "accepted_requests": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "active_threads": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "idle_threads": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "saturated": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Times a request made every thread of its worker busy."
                  },
                  "slow_requests": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "timed_out_requests": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "worker_restarts": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "worker_quick_deaths": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Workers in a row that died soon after they started; above 0, their replacements are paced (0.1 s doubling up to 30 s) and each death is logged at critical."
                  },
                  "reloads": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "responses": {
                    "type": "object",
                    "description": "Responses per HTTP status (`other` for the rest).",
                    "additionalProperties": {
                      "type": "integer",
                      "minimum": 0
                    }
                  },
                  "request_duration_seconds": {
                    "type": "object",
                    "required": [
                      "buckets",
                      "sum",
                      "count"
                    ],
                    "properties": {
                      "buckets": {
                        "type": "object",
                        "description": "Cumulative counts per upper bound in seconds (`+Inf` last).",
                        "additionalProperties": {
                          "type": "integer",
                          "minimum": 0
                        }
                      },
                      "sum": {
                        "type": "number"
                      },
                      "count": {
                        "type": "integer",
                        "minimum": 0
                      }
                    }
                  },
                  "bytes_received": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "bytes_sent": {
                    "type": "integer",
                    "minimum": 0
                  },
                  "workers": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "required": [
                        "slot",
                        "pid",
                        "state",
                        "generation",
                        "uptime_seconds",
                        "requests",
                        "accepted_requests",
                        "active_threads",
                        "idle_threads",
                        "saturated",
                        "slow_requests",
                        "responses"
                      ],
                      "properties": {
                        "slot": {
                          "type": "integer",
                          "minimum": 0
                        },
                        "pid": {
                          "type": "integer",
                          "minimum": 0
                        },
                        "state": {
                          "type": "string",
                          "enum": [
                            "starting",
                            "ready",
                            "stopping"
                          ]
                        },
                        "generation": {
                          "type": "integer",
                          "minimum": 0
                        },
                        "uptime_seconds": {
                          "type": "number"
                        },
                        "requests": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Accepted by this process."
                        },
                        "accepted_requests": {
                          "type": "integer",
                          "minimum": 0,
                          "description": "Accepted in this slot, by this process and those it replaced."
                        },
                        "active_threads": {
                          "type": "integer",
                          "minimum": 0
                        },
                        "idle_threads": {
                          "type": "integer",
                          "minimum": 0
                        },
                        "saturated": {
                          "type": "integer",
                          "minimum": 0
                        },
                        "slow_requests": {
                          "type": "integer",
                          "minimum": 0
                        },
                        "responses": {
                          "type": "object",
                          "description": "Responses per HTTP status (`other` for the rest).",
                          "additionalProperties": {
                            "type": "integer",
                            "minimum": 0
                          }
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
